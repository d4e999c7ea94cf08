import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fcol, fcolInProcess, jsonOf, tempDir } from './run-fcol.ts';

const BAD = 'fixtures/bad';
const AGE_NAME = 'fixtures/cli/age-name.ts';
const PEOPLE = 'fixtures/cli/people.csv';
const dir = tempDir();

/** One line, `fcol...: message`, and nothing else. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^fcol( \w+)?: /);
  return lines[0];
}

describe.concurrent('bad data: exit 1, or rows skipped and counted', () => {
  it('12abc in a numeric column: fail names file, line, column and value, and writes nothing', async () => {
    const out = join(dir, 'fail.arrow');
    const run = await fcol(['transform', AGE_NAME, `${BAD}/numeric-12abc.csv`, '-o', out]);
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toBe(`fcol: ${BAD}/numeric-12abc.csv:3: column "age": expected a number, got "12abc"`);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.fail.arrow'))).toEqual([]);
  });

  it('12abc under skip: exit 0, one row rejected, rows in = out + rejected', async () => {
    const summary = jsonOf(await fcol(['transform', AGE_NAME, `${BAD}/numeric-12abc.csv`, '-o', join(dir, 'skip.arrow'), '--on-error', 'skip', '--json']));
    expect(summary).toMatchObject({ rowsIn: 3, rowsOut: 2, rowsRejected: 1, rejectedByReader: 1, rejectedByTransform: 0, csvTypes: { age: 'float64' } });
  });

  it('rows the transform or the label refuse: fail stops at the first, quarantine keeps the rest', async () => {
    const args = ['transform', AGE_NAME, PEOPLE, '--label', 'grade', '--label-vocabulary', 'A,B,C'];
    const failed = await fcol([...args, '-o', join(dir, 'people.arrow')]);
    expect(failed.code).toBe(1);
    expect(oneLine(failed.stderr)).toBe(`fcol: ${PEOPLE}:3: data row 2: column 'age': missing value (null) and the column has no defaultValue`);

    const quarantine = join(dir, 'people-rejects.jsonl');
    const out = join(dir, 'people.jsonl');
    const summary = jsonOf(await fcol([...args, '-o', out, '--on-error', `quarantine=${quarantine}`, '--json']));
    expect(summary).toMatchObject({ rowsIn: 4, rowsOut: 2, rowsRejected: 2, rejectedByTransform: 2, quarantine, label: { key: 'grade', kind: 'classes' } });
    const rejects = readFileSync(quarantine, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rejects).toEqual([
      { stage: 'transform', file: PEOPLE, line: 3, dataRow: 2, column: 'age', value: null, reason: 'missing value (null) and the column has no defaultValue', record: { age: null, name: 'Grace', grade: 'B' }, row: ',Grace,B' },
      { stage: 'transform', file: PEOPLE, line: 5, dataRow: 4, column: 'grade', value: 'Z', reason: 'label "Z" is not in the label vocabulary (A, B, C)', record: { age: 27, name: 'Alan', grade: 'Z' }, row: '27,Alan,Z' },
    ]);
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => !('__meta__' in r));
    expect(rows.map((r) => [r.dense[0], r.label])).toEqual([[39, 0], [41, 2]]);
  });

  it('skip drops exactly the bad rows of a batch: the same output as the file without them', async () => {
    const names = ['Ada', 'Grace', 'Linus', 'Alan', 'Barbara', 'Edsger', 'Donald'];
    let holes = 'age,name\n';
    let clean = 'age,name\n';
    for (let i = 0; i < 3000; i++) {
      const bad = i % 7 === 3 || i % 501 === 0 || (i >= 1200 && i < 1260);
      const row = `${20 + (i % 50)},${names[i % 7]}${i % 13}\n`;
      holes += bad ? `,${names[i % 7]}\n` : row;
      if (!bad) clean += row;
    }
    writeFileSync(join(dir, 'holes.csv'), holes);
    writeFileSync(join(dir, 'clean.csv'), clean);
    const [a, b] = await Promise.all(['holes', 'clean'].map((name) =>
      fcol(['transform', AGE_NAME, join(dir, `${name}.csv`), '-o', join(dir, `${name}.jsonl`), '--on-error', 'skip', '--batch-size', '700', '--json'])));
    const kept = clean.split('\n').length - 2;
    expect(jsonOf(a)).toMatchObject({ rowsIn: 3000, rowsOut: kept, rowsRejected: 3000 - kept, rejectedByTransform: 3000 - kept });
    expect(jsonOf(b)).toMatchObject({ rowsIn: kept, rowsOut: kept, rowsRejected: 0 });
    const body = (name: string) => readFileSync(join(dir, `${name}.jsonl`), 'utf8').split('\n').slice(1).join('\n');
    expect(body('holes')).toBe(body('clean'));
  });

  it('a truncated Arrow file and a truncated gzip are data errors', async () => {
    const args = (file: string) => ['fit', 'fixtures/cli/census-placeholders.ts', file, '-o', join(dir, 'never.json')];
    const arrow = await fcol(args(`${BAD}/truncated.arrow`));
    const gzip = await fcolInProcess(args(`${BAD}/truncated.csv.gz`));
    expect([arrow.code, gzip.code]).toEqual([1, 1]);
    expect(oneLine(arrow.stderr)).toBe(`fcol: ${BAD}/truncated.arrow: truncated Arrow IPC file: it lacks the closing ARROW1 magic`);
    expect(oneLine(gzip.stderr)).toBe(`fcol: ${BAD}/truncated.csv.gz: truncated or corrupt gzip: unexpected end of file`);
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });
});

describe('bad usage: exit 2 with one line', () => {
  const census = 'fixtures/census/adult.data.csv';
  const cases: [string, string[], RegExp][] = [
    ['an unknown option', ['transform', 'columns/census.ts', census, '-o', 'x.arrow', '--bogus'], /^fcol transform: unknown option '--bogus'$/],
    ['a bad --on-error', ['transform', 'columns/census.ts', census, '-o', 'x.arrow', '--on-error', 'maybe'], /--on-error <policy>' argument 'maybe' is invalid\. expected fail, skip or quarantine=FILE\.$/],
    ['a missing -o', ['fit', 'columns/census.ts', census], /required option '-o, --output <file>' not specified$/],
    ['an unknown command', ['transfrom'], /^fcol: unknown command 'transfrom' \(Did you mean transform\?\)$/],
    ['--workers 0', ['transform', 'columns/census.ts', census, '-o', 'x.arrow', '--workers', '0'], /'--workers <n>' argument '0' is invalid\. expected a positive integer\.$/],
    ['a missing data file', ['transform', 'columns/census.ts', 'no-such.csv', '-o', 'x.arrow'], /^fcol: no-such\.csv: no such data file$/],
    ['an unknown columns file type', ['describe', census], /unknown columns file type '\.csv': give a \.ts, \.js or \.mjs module, or a TensorFlow-format \.json$/],
    ['an unknown output extension', ['transform', 'columns/census.ts', census, '-o', 'x.parquet'], /cannot tell the output format of "x\.parquet"/],
    ['a transform of columns with placeholders', ['transform', 'fixtures/cli/census-placeholders.ts', census, '-o', 'x.arrow'], /has placeholders that data must fill: .*run `fcol fit .*` first/],
    ['a column the data lacks', ['transform', 'columns/census.ts', `${BAD}/ragged.csv`, '-o', 'x.arrow'], /^fcol: column 'age': feature 'age' is not in the data; the data has 3 fields: a, b, c$/],
    ['a string label with no vocabulary', ['transform', AGE_NAME, PEOPLE, '-o', 'x.arrow', '--label', 'grade'], /label column 'grade' holds strings: give --label-vocabulary/],
  ];
  // Through bin/fcol.js for two of them; the rest in this process (see fcolInProcess).
  const spawned = new Set(['an unknown option', 'a missing data file']);
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const run = spawned.has(what) ? await fcol(args) : await fcolInProcess(args);
      expect(run.code, run.stderr).toBe(2);
      expect(oneLine(run.stderr)).toMatch(message);
      expect(run.stdout).toBe('');
    });
  }

  it('with --json, prints the error as the one JSON object too', async () => {
    const run = await fcolInProcess(['transform', AGE_NAME, 'no-such.csv', '-o', 'x.arrow', '--json']);
    expect(run.code).toBe(2);
    expect(jsonOf(run)).toEqual({ error: 'no-such.csv: no such data file', exitCode: 2 });
  });

  it('shows the stack only with FCOL_DEBUG=1', async () => {
    const run = await fcol(['transform', AGE_NAME, 'no-such.csv', '-o', 'x.arrow'], { FCOL_DEBUG: '1' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^fcol: UsageError: no-such\.csv: no such data file\n\s+at /);
  });
});
