/** Re-chunks rows into batches of exactly `size` rows (the last one smaller unless `dropRemainder`). */
import { concatExamples, sliceExample } from './rows.ts';
import type { DatasetExample } from './types.ts';

export async function* rebatch(input: AsyncIterable<DatasetExample>, size: number, dropRemainder: boolean): AsyncGenerator<DatasetExample> {
  let pending: DatasetExample[] = [];
  let pendingRows = 0;
  for await (const example of input) {
    const rows = example.features.numRows;
    let at = 0;
    while (at < rows) {
      if (pendingRows === 0 && rows - at >= size) {
        yield sliceExample(example, at, at + size); // a whole batch inside one input: no copy of the dense block
        at += size;
        continue;
      }
      const take = Math.min(size - pendingRows, rows - at);
      pending.push(sliceExample(example, at, at + take));
      pendingRows += take;
      at += take;
      if (pendingRows === size) {
        const batch = concatExamples(pending);
        pending = [];
        pendingRows = 0;
        yield batch;
      }
    }
  }
  if (pendingRows > 0 && !dropRemainder) yield concatExamples(pending);
}
