import { describe, expect, it } from 'vitest';
import { ReadError, readArrow, readCsv, readParquet } from '../../src/io/index.ts';
import { fieldTypes, readAll, rejection } from './read-all.ts';

const CSV = 'fixtures/io/census-100.csv';

describe('readArrow and readParquet', () => {
  // The binary fixtures were written from the CSV by scripts/make-io-fixtures.ts, so all must agree.
  const fromCsv = readAll(readCsv(CSV));

  for (const [name, open] of [
    ['an Arrow IPC file', () => readArrow('fixtures/io/census-100.arrow', { batchSize: 30 })],
    ['an Arrow IPC stream', () => readArrow('fixtures/io/census-100.arrows', { batchSize: 30 })],
    ['a Parquet file', () => readParquet('fixtures/io/census-100.parquet', { batchSize: 30 })],
  ] as const) {
    it(`streams ${name} in batches of at most batchSize rows, equal to the CSV`, async () => {
      const reader = open();
      const { batches, rows } = await readAll(reader);
      const expected = await fromCsv;
      expect(Math.max(...batches.map((b) => b.numRows))).toBeLessThanOrEqual(30);
      expect(fieldTypes(batches[0])).toEqual(fieldTypes(expected.batches[0]));
      expect(rows).toEqual(expected.rows);
      expect(reader.stats).toEqual({ rowsIn: 100, rowsOut: 100, rowsRejected: 0 });
    });
  }

  it('gives the schema before the first batch; close() then releases the file, and reading after it is an error', async () => {
    const parquet = readParquet('fixtures/io/census-100.parquet'), arrow = readArrow('fixtures/io/census-100.arrows');
    const csv = readCsv('fixtures/io/census-100.csv');
    expect((await parquet.schema()).fields.map((f) => f.name)).toContain('income_bracket');
    expect((await arrow.schema()).fields).toHaveLength(15);
    expect((await csv.schema()).fields).toHaveLength(15);
    for (const reader of [parquet, arrow, csv]) {
      await reader.close();
      await reader.close(); // twice is fine
      await expect(readAll(reader)).rejects.toThrow(/iterated only once, and not after close\(\)/);
    }
    // A source read to the end has closed its file already: close() after it does nothing.
    const read = readCsv('fixtures/io/census-100.csv');
    expect((await readAll(read)).rows).toHaveLength(100);
    await read.close();
  });

  it('reads only the requested Parquet columns', async () => {
    const { batches, rows } = await readAll(readParquet('fixtures/io/census-100.parquet', { columns: ['age', 'gender'] }));
    expect(fieldTypes(batches[0])).toEqual(['age: Int32', 'gender: Dictionary<Int32, Utf8>']);
    expect(rows[0]).toEqual({ age: 39, gender: 'Male' });
  });

  it('names a file that is not Arrow or Parquet at all', async () => {
    const arrow = await rejection(readAll(readArrow(CSV)));
    expect(arrow).toBeInstanceOf(ReadError);
    expect(arrow.message).toBe(`${CSV}: not an Arrow IPC file or stream (no ARROW1 magic or stream marker)`);
    const parquet = await rejection(readAll(readParquet(CSV)));
    expect(parquet.message).toBe(`${CSV}: not a Parquet file (no PAR1 magic)`);
  });
});
