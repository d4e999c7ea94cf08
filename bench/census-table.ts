import { readFileSync } from 'node:fs';
import { type RecordBatch, Table, Utf8, tableFromArrays, vectorFromArray } from 'apache-arrow';

const NUMERIC = new Set(['age', 'fnlwgt', 'education_num', 'capital_gain', 'capital_loss', 'hours_per_week']);

/**
 * The census training rows replicated to `numRows`, as an Arrow table of `batchRows`-row record batches:
 * numbers as Float64, strings dictionary-encoded or plain Utf8.
 */
export function censusTable(numRows: number, strings: 'dictionary' | 'utf8', batchRows = numRows): Table {
  const text = readFileSync(new URL('../fixtures/census/adult.data.csv', import.meta.url), 'utf8').trim().split('\n');
  const header = text[0].split(', ');
  const rows = text.slice(1).map((line) => line.split(', '));
  const batches: RecordBatch[] = [];
  for (let start = 0; start < numRows; start += batchRows) {
    const count = Math.min(batchRows, numRows - start);
    const columns: Record<string, unknown> = {};
    header.forEach((name, j) => {
      const values = Array.from({ length: count }, (_, i) => rows[(start + i) % rows.length][j]);
      columns[name] = NUMERIC.has(name)
        ? Float64Array.from(values, Number)
        : strings === 'utf8' ? vectorFromArray(values, new Utf8()) : vectorFromArray(values);
    });
    batches.push(...tableFromArrays(columns as Parameters<typeof tableFromArrays>[0]).batches);
  }
  return new Table(batches);
}
