import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/io/index.ts';
import { fieldTypes, readAll } from './read-all.ts';

const dir = mkdtempSync(join(tmpdir(), 'fcol-csv-types-'));
function csvFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('readCsv type inference', () => {
  it('widens int32 to float64 for integers beyond int32 and for decimals', async () => {
    const path = csvFile('widths.csv', 'small,big,dec,sci\n1,2147483647,1,1e3\n-2,2147483648,2.5,-2.5E-2\n');
    const { batches, rows } = await readAll(readCsv(path));
    expect(fieldTypes(batches[0])).toEqual(['small: Int32', 'big: Float64', 'dec: Float64', 'sci: Float64']);
    expect(rows[1]).toEqual({ small: -2, big: 2147483648, dec: 2.5, sci: -0.025 });
  });

  it('parses decimals exactly as Number() does', async () => {
    const values = ['0.1', '123456.789', '-0.000001', '99999999999999.9', '1.7976931348623157e308', '5e-324',
      '12345678901234567890', '.5', '5.', '+3', 'inf', '-Infinity', 'NaN'];
    const path = csvFile('decimals.csv', `x\n${values.join('\n')}\n`);
    const { rows } = await readAll(readCsv(path, { types: { x: 'float64' } }));
    const expected = values.map((v) => (/inf/i.test(v) ? (v.startsWith('-') ? -Infinity : Infinity) : Number(v)));
    expect(rows.map((r) => r.x)).toEqual(expected);
  });

  it('dictionary-encodes repeating strings and keeps distinct ones as Utf8', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `${['a', 'b', 'c'][i % 3]},name-${i}`);
    const path = csvFile('strings.csv', `kind,name\n${lines.join('\n')}\n`);
    const { batches } = await readAll(readCsv(path));
    expect(fieldTypes(batches[0])).toEqual(['kind: Dictionary<Int32, Utf8>', 'name: Utf8']);
    expect(batches[0].getChild('kind')!.data[0].dictionary!.toArray()).toEqual(['a', 'b', 'c']);
  });

  it('makes an all-null column Utf8 and counts its nulls', async () => {
    const path = csvFile('empty-column.csv', 'a,b\n1,\n2,\n');
    const { batches } = await readAll(readCsv(path));
    expect(fieldTypes(batches[0])).toEqual(['a: Int32', 'b: Utf8']);
    expect(batches[0].getChild('b')!.nullCount).toBe(2);
  });

  it('overrides types, including dictionary for a column inferred as Utf8, and reads quoted numbers', async () => {
    const path = csvFile('override.csv', 'n,s\n"7",x\n8,y\n');
    const { batches, rows } = await readAll(readCsv(path, { types: { n: 'float32', s: 'dictionary' } }));
    expect(fieldTypes(batches[0])).toEqual(['n: Float32', 's: Dictionary<Int32, Utf8>']);
    expect(rows).toEqual([{ n: 7, s: 'x' }, { n: 8, s: 'y' }]);
  });

  it('rejects an unknown type name before reading', () => {
    expect(() => readCsv('fixtures/io/crlf.csv', { types: { id: 'int64' as never } }))
      .toThrow(/types.id must be one of int32, float32, float64, utf8, dictionary/);
  });
});
