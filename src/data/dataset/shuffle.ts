/**
 * TensorFlow's shuffle buffer, over rows: the first `bufferRows` rows fill the buffer; then each incoming row
 * takes the place of a uniformly drawn buffered row, which goes out; at the end the rest leave in random
 * order. A buffer of 1 keeps the order; a buffer at least the dataset's size is a uniform permutation.
 * Rows are referenced, not copied, until an output batch gathers them.
 */
import type { Random } from '../../kernels/random.ts';
import { gatherRows } from './rows.ts';
import type { DatasetExample } from './types.ts';

export async function* shuffleRows(input: AsyncIterable<DatasetExample>, bufferRows: number, random: Random): AsyncGenerator<DatasetExample> {
  const slotPart = new Int32Array(bufferRows), slotRow = new Int32Array(bufferRows);
  const parts = new Map<number, { example: DatasetExample; buffered: number }>();
  const part = (id: number) => parts.get(id)!.example;
  const release = (id: number) => {
    const entry = parts.get(id)!;
    if (--entry.buffered === 0) parts.delete(id);
  };
  let filled = 0, nextId = 0, chunk = 1;
  for await (const example of input) {
    const rows = example.features.numRows;
    if (rows === 0) continue;
    chunk = Math.max(chunk, rows);
    const id = nextId++;
    parts.set(id, { example, buffered: rows });
    const outPart = new Int32Array(rows), outRow = new Int32Array(rows);
    let out = 0;
    for (let r = 0; r < rows; r++) {
      if (filled < bufferRows) {
        slotPart[filled] = id;
        slotRow[filled++] = r;
        continue;
      }
      const j = random.int(bufferRows);
      outPart[out] = slotPart[j];
      outRow[out++] = slotRow[j];
      slotPart[j] = id;
      slotRow[j] = r;
    }
    if (out > 0) {
      const batch = gatherRows(part, outPart, outRow, out);
      for (let i = 0; i < out; i++) release(outPart[i]);
      yield batch;
    }
  }
  // Drain: draw uniformly from what is left, in batches as large as the largest input batch.
  while (filled > 0) {
    const n = Math.min(chunk, filled);
    const outPart = new Int32Array(n), outRow = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const j = random.int(filled);
      outPart[i] = slotPart[j];
      outRow[i] = slotRow[j];
      filled--;
      slotPart[j] = slotPart[filled];
      slotRow[j] = slotRow[filled];
    }
    const batch = gatherRows(part, outPart, outRow, n);
    for (let i = 0; i < n; i++) release(outPart[i]);
    yield batch;
  }
}
