import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { fcol, fcolInProcess, jsonOf, tempDir } from './run-fcol.ts';

const CENSUS = 'fixtures/census/adult.data.csv';
const dir = tempDir();
const fitted = join(dir, 'fitted.json');
const LABEL = ['--label', 'income_bracket', '--label-positive', '>50K,>50K.'];

/** From the CSV by hand: rows 0-6 earn <=50K, rows 7-11 >50K. */
const INCOME_0_TO_11 = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
/**
 * Row 0 (39, State-gov, hours 40) in the fitted layout: age | age_bucketized (boundaries 28, 37, 48: 39 is in
 * [37,48), slot 2) | hours_per_week | workclass_indicator (vocabulary by frequency: Private, Self-emp-not-inc,
 * Local-gov, ?, State-gov, ...: slot 4).
 */
const ROW_0 = [39, 0, 0, 1, 0, 40, 0, 0, 0, 0, 1, 0, 0, 0, 0];
const WIDTH = 15;
const ROWS = 32_561;

beforeAll(async () => {
  const run = await fcol(['fit', 'fixtures/cli/census-placeholders.ts', CENSUS, '-o', fitted, '--json', '--batch-size', '10000']);
  expect(run.code, run.stderr).toBe(0);
  const summary = jsonOf(run);
  expect(summary).toMatchObject({ command: 'fit', rowsIn: ROWS, rowsOut: ROWS, rowsRejected: 0, fitted: 2, output: fitted });
  expect((summary.report as { batches: number }).batches).toBe(4);
});

describe.concurrent('fcol transform with the fitted JSON', () => {
  it('writes Arrow IPC: rows, dense width, label values, metadata', async () => {
    const out = join(dir, 'census.arrow');
    const run = await fcol(['transform', fitted, CENSUS, '-o', out, ...LABEL, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const summary = jsonOf(run);
    expect(summary).toMatchObject({ rowsIn: ROWS, rowsOut: ROWS, rowsRejected: 0, output: out, format: 'arrow', denseWidth: WIDTH });
    expect(summary.rowsIn).toBe((summary.rowsOut as number) + (summary.rowsRejected as number));
    expect(summary.seconds).toBeGreaterThan(0);
    expect(summary.rowsPerSecond).toBeGreaterThan(0);
    expect(summary.bytes).toBe(readFileSync(out).length);

    const table = tableFromIPC(readFileSync(out));
    expect(table.numRows).toBe(ROWS);
    expect(String(table.schema.fields.find((f) => f.name === 'dense')!.type)).toBe(`FixedSizeList[${WIDTH}]<Float32>`);
    expect(Array.from(table.getChild('label')!.toArray() as Float32Array).slice(0, 12)).toEqual(INCOME_0_TO_11);
    expect(Array.from(table.getChild('dense')!.get(0)!.toArray() as Float32Array)).toEqual(ROW_0);
    expect(Array.from(table.getChild('age_bucketized')!.get(0)!.toArray() as Int32Array)).toEqual([2]);
    expect(JSON.parse(table.schema.metadata.get('feature_columns.label')!)).toEqual({ key: 'income_bracket', kind: 'binary' });
    expect(JSON.parse(table.schema.metadata.get('fcol.label_positive')!)).toEqual(['>50K', '>50K.']);
  });

  it('writes safetensors: dense [rows, width] F32 and a label', async () => {
    const out = join(dir, 'census.safetensors');
    const run = await fcol(['transform', fitted, CENSUS, '-o', out, ...LABEL, '--quiet']);
    expect([run.code, run.stdout]).toEqual([0, '']);
    const bytes = readFileSync(out);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString());
    expect(header.dense).toMatchObject({ dtype: 'F32', shape: [ROWS, WIDTH] });
    expect(header.label).toMatchObject({ dtype: 'F32', shape: [ROWS] });
    expect(header['workclass.offsets']).toMatchObject({ dtype: 'I32', shape: [ROWS + 1] });
    const data = 8 + headerLength;
    const floats = (name: string, count: number) => {
      const [start] = header[name].data_offsets as [number, number];
      return Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset + data + start, bytes.byteOffset + data + start + 4 * count)));
    };
    expect(floats('label', 12)).toEqual(INCOME_0_TO_11);
    expect(floats('dense', WIDTH)).toEqual(ROW_0);
  });

  it('writes JSON lines, with a text summary', async () => {
    const out = join(dir, 'census.jsonl');
    const run = await fcol(['transform', fitted, CENSUS, '-o', out, ...LABEL]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^transform: 32,561 rows in, 32,561 out, 0 rejected; /);
    expect(run.stdout).toMatch(/dense \[32,561 × 15\], 4 ragged id outputs, label income_bracket \(binary\)/);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const rows = lines.map((l) => JSON.parse(l)).filter((r) => !('__meta__' in r));
    expect(rows).toHaveLength(ROWS);
    expect(rows.slice(0, 12).map((r) => r.label)).toEqual(INCOME_0_TO_11);
    expect(rows[0].dense).toEqual(ROW_0);
    expect(rows[0].dense).toHaveLength(WIDTH);
  });

  it('takes the label from the columns module (canonical census set: 43 wide)', async () => {
    const out = join(dir, 'canonical.arrow');
    const summary = jsonOf(await fcol(['transform', 'columns/census.ts', CENSUS, '-o', out, '--json', '--batch-size', '20000']));
    expect(summary).toMatchObject({ rowsIn: ROWS, rowsOut: ROWS, rowsRejected: 0, denseWidth: 43, label: { key: 'income_bracket', kind: 'binary' } });
    const table = tableFromIPC(readFileSync(out));
    expect(Array.from(table.getChild('label')!.toArray() as Float32Array).slice(0, 12)).toEqual(INCOME_0_TO_11);
  });
});

describe('labels from flags', () => {
  it('--label-positive makes a binary label of a string column; --no-label drops the module\'s label', async () => {
    const out = join(dir, 'people.jsonl');
    const args = ['transform', 'fixtures/cli/age-name.ts', 'fixtures/cli/people.csv', '-o', out, '--on-error', 'skip', '--json'];
    const binary = jsonOf(await fcolInProcess([...args, '--label', 'grade', '--label-positive', 'A']));
    expect(binary).toMatchObject({ rowsIn: 4, rowsOut: 3, rowsRejected: 1, label: { key: 'grade', kind: 'binary' } });
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => !('__meta__' in r));
    expect(rows.map((r) => [r.dense[0], r.label])).toEqual([[39, 1], [41, 0], [27, 0]]);

    const none = jsonOf(await fcolInProcess(['transform', 'columns/census.ts', 'fixtures/io/census-100.csv', '-o', join(dir, 'c.jsonl'), '--no-label', '--json']));
    expect(none).toMatchObject({ rowsIn: 100, rowsOut: 100, label: null, denseWidth: 43 });
  });
});
