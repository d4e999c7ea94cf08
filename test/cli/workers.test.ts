import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { fcol, jsonOf, tempDir } from './run-fcol.ts';

/**
 * `fcol transform --workers 2` against `--workers 1` end to end: the same bytes out, the same counts, the same
 * quarantine file. Small chunks (the hidden --chunk-bytes) make many chunks, so order across workers is tested.
 */
const CENSUS = 'fixtures/census/adult.data.csv';
const dir = tempDir();
const BAD = join(dir, 'census-bad.csv');
const CHUNK = ['--chunk-bytes', String(96 << 10)];

/** What a run's --json says, without the timings. */
function counts(summary: Record<string, unknown>): Record<string, unknown> {
  const { seconds: _s, rowsPerSecond: _r, output: _o, ...rest } = summary;
  return rest;
}

async function both(name: string, args: (workers: number, out: string) => string[]) {
  const runs = await Promise.all([1, 2].map(async (workers) => {
    const out = join(dir, `${name}-${workers}`);
    const run = await fcol(args(workers, out));
    expect(run.code, run.stderr).toBe(0);
    return { summary: jsonOf(run), out };
  }));
  return runs;
}

beforeAll(() => {
  // Bad rows of every stage, after the first rows (type inference keeps age an integer column).
  const lines = readFileSync(CENSUS, 'utf8').split('\n');
  const out = lines.map((line, i) => {
    if (i < 200 || line === '') return line;
    const f = line.split(', ');
    if (i % 997 === 0) f[0] = '';                       // transform: a missing age without a default
    else if (i % 1499 === 0) f[12] = '';                // transform: a missing hours_per_week
    else if (i % 1733 === 0) f[0] = '12abc';            // reader: not a number
    else if (i % 2011 === 0) f.pop();                   // reader: 14 fields of 15
    else if (i % 2503 === 0) f[14] = 'maybe';           // label: not in the label vocabulary
    return f.join(', ');
  });
  writeFileSync(BAD, out.join('\n'));
});

describe('fcol transform --workers 2 equals --workers 1', { timeout: 120_000 }, () => {
  it('census to Arrow IPC: the same file byte for byte, the same counts', async () => {
    const [one, two] = await both('census.arrow', (w, out) =>
      ['transform', 'columns/census.ts', CENSUS, '-o', `${out}.arrow`, '--workers', String(w), ...CHUNK, '--json']);
    expect(counts(one.summary)).toEqual(counts(two.summary));
    expect(one.summary).toMatchObject({ rowsIn: 32_561, rowsOut: 32_561, rowsRejected: 0, denseWidth: 43 });
    const [a, b] = [readFileSync(`${one.out}.arrow`), readFileSync(`${two.out}.arrow`)];
    expect(a.equals(b)).toBe(true);
    expect(tableFromIPC(a).numRows).toBe(32_561);
  });

  it('census to safetensors and JSON lines: the same bytes', async () => {
    for (const ext of ['safetensors', 'jsonl']) {
      const [one, two] = await both(`census.${ext}`, (w, out) =>
        ['transform', 'columns/census.ts', CENSUS, '-o', `${out}.${ext}`, '--workers', String(w), ...CHUNK, '--json']);
      expect(counts(one.summary)).toEqual(counts(two.summary));
      expect(readFileSync(`${one.out}.${ext}`).equals(readFileSync(`${two.out}.${ext}`))).toBe(true);
    }
  });

  it('bad rows under skip: the same rows out, the same counts by stage', async () => {
    const [one, two] = await both('skip', (w, out) => ['transform', 'columns/census.ts', BAD, '-o', `${out}.arrow`, '--workers', String(w),
      '--label', 'income_bracket', '--label-vocabulary', '<=50K,>50K', '--on-error', 'skip', ...CHUNK, '--json']);
    expect(counts(one.summary)).toEqual(counts(two.summary));
    const s = one.summary as { rowsIn: number; rowsOut: number; rowsRejected: number; rejectedByReader: number; rejectedByTransform: number };
    expect(s.rowsIn).toBe(32_561);
    expect(s.rowsIn).toBe(s.rowsOut + s.rowsRejected);
    expect(s.rejectedByReader).toBeGreaterThan(20);
    expect(s.rejectedByTransform).toBeGreaterThan(40);
    expect(readFileSync(`${one.out}.arrow`).equals(readFileSync(`${two.out}.arrow`))).toBe(true);
  });

  it('bad rows under quarantine: the same quarantine file, with lines, stages and reasons', async () => {
    const [one, two] = await both('quarantine', (w, out) => ['transform', 'columns/census.ts', BAD, '-o', `${out}.safetensors`,
      '--workers', String(w), '--label', 'income_bracket', '--label-vocabulary', '<=50K,>50K',
      '--on-error', `quarantine=${out}.rejects.jsonl`, ...CHUNK, '--json']);
    expect(counts(one.summary)).toMatchObject({ ...counts(two.summary), quarantine: `${one.out}.rejects.jsonl` });
    expect(readFileSync(`${one.out}.safetensors`).equals(readFileSync(`${two.out}.safetensors`))).toBe(true);
    const text = readFileSync(`${one.out}.rejects.jsonl`, 'utf8');
    expect(readFileSync(`${two.out}.rejects.jsonl`, 'utf8')).toBe(text);
    const rejects = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rejects).toHaveLength(one.summary.rowsRejected as number);
    const lines = rejects.map((r) => r.line as number);
    expect(lines).toEqual([...lines].sort((x, y) => x - y));
    const source = readFileSync(BAD, 'utf8').split('\n');
    for (const r of rejects) {
      expect(r.file).toBe(BAD);
      expect(r.row).toBe(source[(r.line as number) - 1]);
      expect(r.reason).toEqual(expect.any(String));
    }
    const at = (line: number) => rejects.find((r) => r.line === line + 1)!;
    expect(at(997)).toMatchObject({ stage: 'transform', column: 'age', value: null });
    expect(at(1499)).toMatchObject({ stage: 'transform', column: 'hours_per_week', value: null, dataRow: expect.any(Number) });
    expect(at(1733)).toMatchObject({ column: 'age', value: '12abc' });
    expect(at(2011).reason).toMatch(/^expected 15 fields, found 14/);
    expect(at(2503)).toMatchObject({ stage: 'transform', column: 'income_bracket', value: 'maybe' });
  });

  it('bad rows under fail: the same first error, exit 1', async () => {
    const runs = await Promise.all([1, 2].map((w) => fcol(['transform', 'columns/census.ts', BAD, '-o', join(dir, `fail-${w}.arrow`),
      '--workers', String(w), ...CHUNK])));
    expect(runs.map((r) => r.code)).toEqual([1, 1]);
    expect(runs[1].stderr).toBe(runs[0].stderr);
    expect(runs[0].stderr.trim()).toBe(`fcol: ${BAD}:998: data row 997: column 'age': missing value (null) and the column has no defaultValue`);
  });
});

describe('the CSV path (transformFiles) and the reader path (Arrow input)', () => {
  it('give the same tensors and labels for the same rows', async () => {
    const rows = async (input: string, name: string) => {
      const out = join(dir, `${name}.jsonl`);
      const run = await fcol(['transform', 'columns/census.ts', input, '-o', out, '--json']);
      expect(run.code, run.stderr).toBe(0);
      return readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => !('__meta__' in r));
    };
    const [csv, arrow] = await Promise.all([rows('fixtures/io/census-100.csv', 'path-csv'), rows('fixtures/io/census-100.arrow', 'path-arrow')]);
    expect(csv).toHaveLength(100);
    expect(csv).toEqual(arrow);
  }, 60_000);
});
