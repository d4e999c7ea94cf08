import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReadError, detectFormat, openSource } from '../../src/io/index.ts';
import { readAll, rejection } from './read-all.ts';

const dir = mkdtempSync(join(tmpdir(), 'fcol-open-source-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('detectFormat', () => {
  it('knows Arrow, Parquet and CSV by magic bytes, whatever the extension', async () => {
    expect(await detectFormat('fixtures/io/census-100.arrow')).toBe('arrow');
    expect(await detectFormat('fixtures/io/census-100.arrows')).toBe('arrow');
    expect(await detectFormat('fixtures/io/census-100.parquet')).toBe('parquet');
    const disguised = join(dir, 'really-parquet.csv');
    copyFileSync('fixtures/io/census-100.parquet', disguised);
    expect(await detectFormat(disguised)).toBe('parquet');
    expect(await detectFormat('fixtures/bad/truncated.csv.gz')).toBe('csv');
  });
});

describe('openSource', () => {
  it('concatenates files of different formats into one stream with summed stats', async () => {
    const source = openSource(['fixtures/io/census-100.csv', 'fixtures/io/census-100.parquet', 'fixtures/io/census-100.arrow']);
    expect((await source.schema()).fields).toHaveLength(15);
    const { rows } = await readAll(source);
    expect(rows).toHaveLength(300);
    expect(rows[100]).toEqual(rows[0]);
    expect(source.stats).toEqual({ rowsIn: 300, rowsOut: 300, rowsRejected: 0 });
  });

  it('expands globs in sorted order, and later CSV files keep the first one\'s types and dictionary ids', async () => {
    file('part-1.csv', 'n,kind\n1,a\n2,b\n3,a\n3,b\n');
    file('part-2.csv', 'n,kind\n4.5,c\n5,a\n'); // alone, n would be float64
    const { batches, rows } = await readAll(openSource([join(dir, 'part-*.csv')], { types: { n: 'float64' } }));
    expect(rows.map((r) => r.n)).toEqual([1, 2, 3, 3, 4.5, 5]);
    const keys = batches.map((b) => [...(b.getChild('kind')!.data[0].values as Int32Array)]);
    expect(keys).toEqual([[0, 1, 0, 1], [2, 0]]);
    expect(batches[1].getChild('kind')!.data[0].dictionary!.toArray()).toEqual(['a', 'b', 'c']);
  });

  it('fails naming both files when a later file has other columns', async () => {
    const a = file('a.csv', 'x,y\n1,2\n'), b = file('b.csv', 'x,z\n3,4\n');
    const err = await rejection(readAll(openSource([a, b])));
    expect(err).toBeInstanceOf(ReadError);
    expect(err.message).toBe(`${b}:1: columns (x, z) differ from those of ${a} (x, y)`);
  });

  it('fails naming both files when types differ between formats', async () => {
    const csv = file('ages.csv', 'age, workclass\n1.5, x\n');
    const err = await rejection(readAll(openSource([csv, 'fixtures/io/census-100.arrow'])));
    expect(err.message).toBe(`fixtures/io/census-100.arrow: schema differs from ${csv}'s: ` +
      'column 1 is "age: Int32" here but "age: Float64" there');
  });

  it('shares the bad-row policy and the quarantine file between files', async () => {
    const a = file('bad-a.csv', 'x,y\n1,2\n3\n'), b = file('bad-b.csv', 'x,y\n4,5,6\n7,8\n');
    const quarantine = join(dir, 'rejected.jsonl');
    const source = openSource([a, b], { onError: { quarantine } });
    expect((await readAll(source)).rows).toEqual([{ x: 1, y: 2 }, { x: 7, y: 8 }]);
    expect(source.stats).toEqual({ rowsIn: 4, rowsOut: 2, rowsRejected: 2 });
    const lines = (await import('node:fs')).readFileSync(quarantine, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => `${l.file}:${l.line}`)).toEqual([`${a}:3`, `${b}:2`]);
  });

  it('names a glob that matches nothing', async () => {
    const err = await rejection(readAll(openSource([join(dir, 'nothing-*.csv')])));
    expect(err.message).toBe(`${join(dir, 'nothing-*.csv')}: no file matches this pattern`);
  });
});
