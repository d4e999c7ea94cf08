import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromConfig } from '../../src/index.ts';
import { fcol, fcolInProcess, tempDir } from './run-fcol.ts';

const CENSUS = 'fixtures/census/adult.data.csv';
const PLACEHOLDERS = 'fixtures/cli/census-placeholders.ts';

describe.concurrent('fcol describe', () => {
  it('prints the census graph and layout compiled against the data file', async () => {
    const { code, stdout } = await fcol(['describe', 'columns/census.ts', '--data', CENSUS]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/compiled against fixtures\/census\/adult\.data\.csv/);
    expect(stdout).toMatch(/feature graph: \d+ nodes, hash xxh64, dense width 43/);
    expect(stdout).toMatch(/^ {2}0 +1 +numeric +age +\[age\]$/m);
    expect(stdout).toMatch(/^ {2}occupation_embedding +ids in \[0, 1000\), combiner mean, embedding dimension 8$/m);
  });

  it('compiles against a schema derived from the columns without --data', async () => {
    const { code, stdout } = await fcol(['describe', 'columns/census.ts', '--hash', 'tf']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/a schema derived from the columns/);
    expect(stdout).toMatch(/hash tf, dense width 43/);
  });

  it('refuses columns with placeholders, telling to run fcol fit (exit 2)', async () => {
    const { code, stderr } = await fcolInProcess(['describe', PLACEHOLDERS]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^fcol: .*census-placeholders\.ts has placeholders .*age_bucketized .*workclass .*run `fcol fit /);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('fcol fit', () => { // its --json output: test/cli/transform.test.ts
  it('fits the placeholders on the census data, writes TF JSON and prints the report', async () => {
    const out = join(tempDir(), 'fitted.json');
    const { code, stdout } = await fcol(['fit', PLACEHOLDERS, CENSUS, '-o', out]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^fit: 32,561 rows in 1 batch/);
    expect(stdout).toMatch(/^age_bucketized +3 boundaries \(exact, 32,561 values\): 28, 37, 48$/m);
    expect(stdout).toMatch(/^workclass +vocabulary of 9 \(of 9 distinct\): "Private" ×22,696/m);
    expect(stdout).toMatch(/wrote .*fitted\.json: 5 columns, 2 placeholders fitted/);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json[2]).toMatchObject({ class_name: 'BucketizedColumn', config: { boundaries: [28, 37, 48] } });
    const columns = fromConfig(json);
    expect(columns).toHaveLength(5);
  });
});
