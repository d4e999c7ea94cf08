import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReadError, readArrow, readCsv } from '../../src/io/index.ts';
import { readAll, rejection } from './read-all.ts';

const BAD = 'fixtures/bad';
const dir = mkdtempSync(join(tmpdir(), 'fcol-bad-'));

function quarantined(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

describe('bad input: ragged rows', () => {
  it('fails at the first row with the wrong field count, naming file and line', async () => {
    const err = await rejection(readAll(readCsv(`${BAD}/ragged.csv`)));
    expect(err).toBeInstanceOf(ReadError);
    expect(err).toMatchObject({ file: `${BAD}/ragged.csv`, line: 3, reason: 'expected 3 fields, found 2' });
    expect(err.message).toBe(`${BAD}/ragged.csv:3: expected 3 fields, found 2`);
  });

  it('skips rows with too few and too many fields, and counts them', async () => {
    const reader = readCsv(`${BAD}/ragged.csv`, { onError: 'skip' });
    const { rows } = await readAll(reader);
    expect(rows).toEqual([{ a: 1, b: 2, c: 3 }, { a: 10, b: 11, c: 12 }]);
    expect(reader.stats).toEqual({ rowsIn: 4, rowsOut: 2, rowsRejected: 2 });
  });

  it('writes rejected rows to the quarantine file with line, reason and raw text', async () => {
    const quarantine = join(dir, 'ragged.jsonl');
    const reader = readCsv(`${BAD}/ragged.csv`, { onError: { quarantine } });
    await readAll(reader);
    expect(quarantined(quarantine)).toEqual([
      { file: `${BAD}/ragged.csv`, line: 3, reason: 'expected 3 fields, found 2', row: '4,5' },
      { file: `${BAD}/ragged.csv`, line: 4, reason: 'expected 3 fields, found 4', row: '6,7,8,9' },
    ]);
    expect(reader.stats.rowsIn).toBe(reader.stats.rowsOut + reader.stats.rowsRejected);
  });
});

describe('bad input: unterminated quote', () => {
  it('fails on the line where the quote opens', async () => {
    const err = await rejection(readAll(readCsv(`${BAD}/unterminated-quote.csv`)));
    expect(err).toMatchObject({ line: 3, reason: 'unterminated quote: the file ends inside a quoted field' });
  });

  it('under skip, keeps the rows before it and rejects the rest as one row', async () => {
    const reader = readCsv(`${BAD}/unterminated-quote.csv`, { onError: 'skip' });
    expect((await readAll(reader)).rows).toEqual([{ id: 1, text: 'ok' }]);
    expect(reader.stats).toEqual({ rowsIn: 2, rowsOut: 1, rowsRejected: 1 });
  });
});

describe('bad input: invalid UTF-8', () => {
  for (const type of ['utf8', 'dictionary'] as const) {
    it(`names line, column and value in a ${type} column`, async () => {
      const err = await rejection(readAll(readCsv(`${BAD}/invalid-utf8.csv`, { types: { name: type } })));
      expect(err).toMatchObject({ line: 3, column: 'name', value: 'caf\uFFFD', reason: 'invalid UTF-8' });
    });
  }

  it('skips the row under skip', async () => {
    const reader = readCsv(`${BAD}/invalid-utf8.csv`, { onError: 'skip' });
    expect((await readAll(reader)).rows).toEqual([{ id: 1, name: 'café' }, { id: 3, name: 'ok' }]);
    expect(reader.stats).toEqual({ rowsIn: 3, rowsOut: 2, rowsRejected: 1 });
  });
});

describe('bad input handled as data', () => {
  it('drops a UTF-8 byte order mark', async () => {
    expect((await readAll(readCsv(`${BAD}/bom.csv`))).rows).toEqual([{ id: 1, name: 'Ada' }, { id: 2, name: 'Grace' }]);
  });

  it('reads an empty file as no columns and no batches', async () => {
    const reader = readCsv(`${BAD}/empty.csv`);
    expect((await reader.schema()).fields).toEqual([]);
    expect((await readAll(reader)).batches).toEqual([]);
    expect(reader.stats).toEqual({ rowsIn: 0, rowsOut: 0, rowsRejected: 0 });
  });

  it('reads a header-only file as its columns and zero rows', async () => {
    const reader = readCsv(`${BAD}/header-only.csv`);
    expect((await reader.schema()).fields.map((f) => `${f.name}: ${f.type}`))
      .toEqual(['age: Utf8', 'workclass: Utf8', 'income_bracket: Utf8']);
    expect((await readAll(reader)).batches).toEqual([]);
  });
});

describe('bad input: 12abc in a numeric column', () => {
  it('fails with file, line, column and value when the column is typed int32 by override', async () => {
    const err = await rejection(readAll(readCsv(`${BAD}/numeric-12abc.csv`, { types: { age: 'int32' } })));
    expect(err).toMatchObject({ line: 3, column: 'age', value: '12abc', reason: 'expected an integer' });
    expect(err.message).toBe(`${BAD}/numeric-12abc.csv:3: column "age": expected an integer, got "12abc"`);
  });

  it('fails with a hint to override when the type was inferred from earlier rows', async () => {
    const path = join(dir, 'late-12abc.csv');
    writeFileSync(path, `age,name\n${'39,Ada\n'.repeat(10_000)}12abc,Grace\n`);
    const err = await rejection(readAll(readCsv(path)));
    expect(err).toMatchObject({ line: 10_002, column: 'age', value: '12abc' });
    expect(err.reason).toMatch(/expected an integer \(type int32 was inferred from the first rows; set types: \{"age": "utf8"\}/);
  });

  it('skips the row, as a float column would', async () => {
    const reader = readCsv(`${BAD}/numeric-12abc.csv`, { types: { age: 'float64' }, onError: 'skip' });
    expect((await readAll(reader)).rows).toEqual([{ age: 39, name: 'Ada' }, { age: 41, name: 'Linus' }]);
    expect(reader.stats).toEqual({ rowsIn: 3, rowsOut: 2, rowsRejected: 1 });
  });

  it('reads it as a string column when inference sees it', async () => {
    expect((await readAll(readCsv(`${BAD}/numeric-12abc.csv`))).rows[1]).toEqual({ age: '12abc', name: 'Grace' });
  });
});

describe('bad input: a 10 MB field', () => {
  const TEN_MB = 10_000_000;
  const path = join(dir, 'ten-mb.csv');
  writeFileSync(path, `id,blob\n1,${'x'.repeat(TEN_MB)}\n2,"${'y'.repeat(TEN_MB)}"\n3,small\n`);

  it('reads it whole, quoted or not', async () => {
    const { batches } = await readAll(readCsv(path));
    const blob = batches[0].getChild('blob')!;
    expect([blob.get(0).length, blob.get(1).length, blob.get(2)]).toEqual([TEN_MB, TEN_MB, 'small']);
  });

  it('cuts it to 200 characters in an error', async () => {
    const err = await rejection(readAll(readCsv(path, { types: { blob: 'int32' } })));
    expect(err).toMatchObject({ line: 2, column: 'blob', value: `${'x'.repeat(200)}… (10000000 chars)` });
    expect(err.message.length).toBeLessThan(400);
  });

  it('fails clearly, with bounded memory, when it exceeds maxRowBytes', async () => {
    const err = await rejection(readAll(readCsv(path, { maxRowBytes: 1 << 20 })));
    expect(err).toBeInstanceOf(ReadError);
    expect(err).toMatchObject({ line: 2 });
    expect(err.reason).toMatch(/row longer than maxRowBytes \(1048576 bytes\)/);
  });
});

describe('bad input: wrong delimiter', () => {
  it('is sniffed right when no delimiter is given', async () => {
    expect((await readAll(readCsv(`${BAD}/wrong-delimiter.csv`))).rows[0])
      .toEqual({ age: 39, workclass: 'Private', income: '<=50K' });
  });

  it('hints at the delimiter when the expected columns are missing', async () => {
    const err = await rejection(readAll(readCsv(`${BAD}/wrong-delimiter.csv`, { delimiter: ',', types: { age: 'int32' } })));
    expect(err.message).toBe(`${BAD}/wrong-delimiter.csv:1: types names column "age", which the file does not have ` +
      '(columns: age;workclass;income); the line contains ";" (2 times): is the delimiter wrong?');
    const names = await rejection(readAll(readCsv(`${BAD}/wrong-delimiter.csv`, { delimiter: ',', names: ['a', 'b', 'c'], header: true })));
    expect(names.reason).toMatch(/names lists 3 columns but the header has 1 field; the line contains ";" \(2 times\)/);
  });

  it('gives one clearly named column when nothing else was expected', async () => {
    const { rows } = await readAll(readCsv(`${BAD}/wrong-delimiter.csv`, { delimiter: ',' }));
    expect(rows[0]).toEqual({ 'age;workclass;income': '39;Private;<=50K' });
  });
});

describe('bad input: truncated binary files', () => {
  it('reports a truncated Arrow file', async () => {
    const err = await rejection(readAll(readArrow(`${BAD}/truncated.arrow`)));
    expect(err).toBeInstanceOf(ReadError);
    expect(err.message).toBe(`${BAD}/truncated.arrow: truncated Arrow IPC file: it lacks the closing ARROW1 magic`);
  });

  it('reports a truncated gzip file', async () => {
    const err = await rejection(readAll(readCsv(`${BAD}/truncated.csv.gz`)));
    expect(err).toBeInstanceOf(ReadError);
    expect(err.message).toBe(`${BAD}/truncated.csv.gz: truncated or corrupt gzip: unexpected end of file`);
  });
});

describe('bad options and missing files', () => {
  it('names a missing file', async () => {
    const err = await rejection(readAll(readCsv(`${BAD}/no-such-file.csv`)));
    expect(err.message).toBe(`${BAD}/no-such-file.csv: no such file`);
  });

  it('names a directory given as a file', async () => {
    const err = await rejection(readAll(readCsv('fixtures')));
    expect(err.message).toBe('fixtures: is a directory, not a file');
  });

  it('rejects an unknown onError policy', () => {
    expect(() => readCsv(`${BAD}/ragged.csv`, { onError: 'ignore' as never })).toThrow(/onError must be/);
  });
});
