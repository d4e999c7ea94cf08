import { type Data, Type } from 'apache-arrow';
import { isListType, listOffsets, nullTest } from '../kernels/arrow-data.ts';

/** TF's dense tensors: one value, or a fixed number of values, per row (a variable List is a SparseTensor). */
export function isDenseInput(data: Data): boolean {
  return !isListType(data.type.typeId) || data.type.typeId === Type.FixedSizeList;
}

/** Missing cells of a chunk (null rows, plus null items in the lists of non-null rows) and present ones. */
export function missingCells(data: Data): { cells: number; present: number } {
  const n = data.length;
  if (n === 0) return { cells: 0, present: 0 };
  const rowNull = nullTest(data);
  if (!isListType(data.type.typeId)) {
    const cells = rowNull ? data.nullCount : 0;
    return { cells, present: n - cells };
  }
  const start = listOffsets(data);
  const itemNull = nullTest(data.children[0]);
  let cells = 0;
  let present = 0;
  for (let r = 0; r < n; r++) {
    if (rowNull?.(r)) {
      cells++;
      continue;
    }
    const end = start(r + 1);
    if (!itemNull) present += end - start(r);
    else for (let i = start(r); i < end; i++) itemNull(i) ? cells++ : present++;
  }
  return { cells, present };
}
