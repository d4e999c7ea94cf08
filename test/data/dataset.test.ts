// The input pipeline: batch, shuffle, repeat, take, cache (memory and directory), prefetch on workers.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Float64, makeTable, RecordBatch, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import * as census from '../../columns/census.ts';
import { Dataset, type DatasetExample } from '../../src/data/index.ts';
import { liveWorkerCount } from '../../src/data/worker-pool.ts';
import { categoricalColumnWithVocabularyList, compile, concatFeatureBatches, indicatorColumn, numericColumn } from '../../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'fcol-dataset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = 100;
/** x = 0..99, c = one of three colours, y = 2x; as record batches of 10, 25, 7, 58 rows. */
function table(): Table {
  const x = Array.from({ length: N }, (_, i) => i);
  const colours = ['red', 'green', 'blue'];
  const whole = new Table({
    x: vectorFromArray(x, new Float64()),
    c: vectorFromArray(x.map((i) => colours[i % 3]), new Utf8()),
    y: vectorFromArray(x.map((i) => 2 * i), new Float64()),
  });
  const cuts = [0, 10, 35, 42, 100];
  return new Table(cuts.slice(1).map((end, i) => whole.slice(cuts[i], end).batches[0] as RecordBatch));
}
const colour = categoricalColumnWithVocabularyList('c', ['red', 'green', 'blue']);
const columns = [numericColumn('x'), indicatorColumn(colour)];
const rows = () => Dataset.fromTable(table(), { label: { key: 'y' } }).map(columns, { sparse: 'all' });

/** x of every row, in order, and the labels. */
async function values(ds: AsyncIterable<DatasetExample>): Promise<{ x: number[]; y: number[]; ids: number[]; sizes: number[] }> {
  const out = { x: [] as number[], y: [] as number[], ids: [] as number[], sizes: [] as number[] };
  for await (const { features, labels } of ds) {
    const w = features.dense.shape[1], at = features.dense.layout.find((e) => e.name === 'x')!.offset;
    const c = features.sparse.c;
    for (let r = 0; r < features.numRows; r++) {
      out.x.push(features.dense.values[r * w + at]);
      out.ids.push(...c.ids.subarray(c.offsets[r], c.offsets[r + 1]));
    }
    out.y.push(...labels!);
    out.sizes.push(features.numRows);
  }
  return out;
}
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('Dataset.batch', () => {
  it('re-chunks rows across input batches into batches of exactly n, in order, labels and ids with their rows', async () => {
    const got = await values(rows().batch(32));
    expect(got.sizes).toEqual([32, 32, 32, 4]);
    expect(got.x).toEqual(range(N));
    expect(got.y).toEqual(range(N).map((i) => 2 * i));
    expect(got.ids).toEqual(range(N).map((i) => i % 3));
    expect((await values(rows().batch(32, { dropRemainder: true }))).sizes).toEqual([32, 32, 32]);
    expect((await values(rows())).sizes).toEqual([10, 25, 7, 58]);
    const dense = (await rows().batch(8).take(1).toArray())[0].features.dense;
    expect(dense.shape).toEqual([8, 4]);
    expect(dense.layout.map((e) => e.name)).toEqual(['c_indicator', 'x']); // ordered by name
    expect([...dense.values.subarray(0, 8)]).toEqual([1, 0, 0, 0, 0, 1, 0, 1]); // red, green, blue, x of rows 0 and 1
  });

  it('take and repeat count batches and passes', async () => {
    expect((await values(rows().batch(30).take(2))).sizes).toEqual([30, 30]);
    const three = await values(rows().repeat(3).batch(64));
    expect(three.x).toEqual([...range(N), ...range(N), ...range(N)]);
    expect(three.sizes).toEqual([64, 64, 64, 64, 44]);
    expect((await values(rows().batch(40).repeat().take(7))).sizes).toEqual([40, 40, 20, 40, 40, 20, 40]);
  });
});

describe('Dataset.shuffle', () => {
  it('is a permutation with labels kept on their rows, the same for a seed, new every pass', async () => {
    const ds = rows().shuffle(30, 7).batch(16);
    const first = await values(ds), second = await values(ds);
    for (const pass of [first, second]) {
      expect([...pass.x].sort((a, b) => a - b)).toEqual(range(N));
      expect(pass.y).toEqual(pass.x.map((x) => 2 * x));
      expect(pass.ids).toEqual(pass.x.map((x) => x % 3));
      expect(pass.sizes).toEqual([16, 16, 16, 16, 16, 16, 4]);
    }
    expect(first.x).not.toEqual(range(N));
    expect(second.x).not.toEqual(first.x);
    // Another Dataset built the same way replays the same sequence of orders.
    const again = rows().shuffle(30, 7).batch(16);
    expect((await values(again)).x).toEqual(first.x);
    expect((await values(again)).x).toEqual(second.x);
    expect((await values(rows().shuffle(30, 8))).x).not.toEqual(first.x);
    const fixed = rows().shuffle(30, 7, { reshuffleEachIteration: false });
    expect((await values(fixed)).x).toEqual((await values(fixed)).x);
  });

  it('a buffer of 1 keeps the order; a small buffer moves rows only a little; repeat reshuffles each repetition', async () => {
    expect((await values(rows().shuffle(1, 3))).x).toEqual(range(N));
    const local = (await values(rows().shuffle(5, 3))).x;
    // A row comes out at most buffer − 1 places early (it cannot leave before it came in).
    local.forEach((x, i) => expect(x).toBeLessThanOrEqual(i + 4));
    const reps = (await values(rows().shuffle(N, 1).repeat(2))).x;
    expect([...reps.slice(0, N)].sort((a, b) => a - b)).toEqual(range(N));
    expect([...reps.slice(N)].sort((a, b) => a - b)).toEqual(range(N));
    expect(reps.slice(N)).not.toEqual(reps.slice(0, N));
  });
});

describe('Dataset.cache', () => {
  it('in memory: later passes replay the first without running upstream', async () => {
    let calls = 0;
    const ds = rows().map((e) => { calls++; return e; }).cache().batch(50);
    const a = await values(ds);
    expect(calls).toBe(4);
    const b = await values(ds);
    expect(calls).toBe(4);
    expect(b).toEqual(a);
    // A pass cut short does not fill the cache.
    let cut = 0;
    const partial = rows().map((e) => { cut++; return e; }).cache();
    await partial.take(1).toArray();
    await partial.toArray();
    expect(cut).toBe(1 + 4);
  });

  const slice = join(dir, 'census-head.csv');
  writeFileSync(slice, readFileSync('fixtures/census/adult.data.csv', 'utf8').split('\n').slice(0, 1201).join('\n') + '\n');
  const plan = (cacheDir: string) => Dataset.fromFiles(slice, { label: census.label }).map(census.columns, { sparse: 'all' }).cache(cacheDir);

  it('in a directory: written atomically at the end of a pass, then read instead of the source (even when it is gone)', async () => {
    const cacheDir = join(dir, 'cache');
    await plan(cacheDir).take(1).toArray(); // cut short: nothing committed
    expect(existsSync(cacheDir) ? readdirSync(cacheDir).filter((f) => f.endsWith('.arrow')) : []).toEqual([]);
    const first = await plan(cacheDir).toArray();
    const files = readdirSync(cacheDir);
    expect(files.filter((f) => /^cache-[0-9a-f]+\.arrow$/.test(f))).toHaveLength(1);
    const moved = `${slice}.moved`;
    writeFileSync(moved, readFileSync(slice));
    rmSync(slice);
    try {
      const again = await plan(cacheDir).toArray(); // a new Dataset, same plan: reads the cache
      expect(again.length).toBe(first.length);
      const a = concatFeatureBatches(first.map((e) => e.features)), b = concatFeatureBatches(again.map((e) => e.features));
      expect(b.numRows).toBe(1200);
      expect(b.dense.values).toEqual(a.dense.values);
      expect(b.dense.layout).toEqual(a.dense.layout);
      expect(Object.keys(b.sparse)).toEqual(Object.keys(a.sparse));
      for (const name of Object.keys(a.sparse)) {
        expect(b.sparse[name].ids).toEqual(a.sparse[name].ids);
        expect(b.sparse[name].offsets).toEqual(a.sparse[name].offsets);
        expect(b.sparse[name].cardinality).toBe(a.sparse[name].cardinality);
        expect(b.sparse[name].dimension).toBe(a.sparse[name].dimension);
      }
      expect(again.flatMap((e) => [...e.labels!])).toEqual(first.flatMap((e) => [...e.labels!]));
      // Another spec is another cache file: with the source gone, it cannot be built.
      await expect(Dataset.fromFiles(slice, { label: census.label }).map(census.deep).cache(cacheDir).toArray()).rejects.toThrow();
    } finally {
      writeFileSync(slice, readFileSync(moved));
      rmSync(moved);
    }
  });

  it('in a directory: a changed source makes the cache stale, and it is rebuilt', async () => {
    const cacheDir = join(dir, 'stale');
    const before = await plan(cacheDir).toArray();
    const original = readFileSync(slice, 'utf8');
    try {
      writeFileSync(slice, original.split('\n').slice(0, 101).join('\n') + '\n');
      const after = await plan(cacheDir).toArray();
      expect(before.reduce((n, e) => n + e.features.numRows, 0)).toBe(1200);
      expect(after.reduce((n, e) => n + e.features.numRows, 0)).toBe(100);
    } finally {
      writeFileSync(slice, original);
    }
  });
});

describe('Dataset.prefetch', () => {
  it('over CSV files parses and transforms on worker threads, giving the same tensors as this thread', async () => {
    const source = () => Dataset.fromFiles('fixtures/census/adult.data.csv', { label: census.label });
    const local = await source().map(census.columns, { sparse: 'all' }).batch(4096).toArray();
    const prefetching = source().map(census.columns, { sparse: 'all' }).prefetch(2, { workers: 2 }).batch(4096);
    const threaded = await prefetching.toArray();
    expect(liveWorkerCount()).toBe(2); // kept a moment for the next pass (the next epoch)...
    expect((await prefetching.toArray()).length).toBe(8);
    expect(liveWorkerCount()).toBe(2); // ... which reused them
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(liveWorkerCount()).toBe(0); // then ended
    expect(threaded.map((e) => e.features.numRows)).toEqual(local.map((e) => e.features.numRows));
    expect(threaded.length).toBe(8);
    for (let i = 0; i < local.length; i++) {
      expect(threaded[i].features.dense.values).toEqual(local[i].features.dense.values);
      expect(threaded[i].labels).toEqual(local[i].labels);
      for (const name of Object.keys(local[i].features.sparse)) {
        expect(threaded[i].features.sparse[name].ids).toEqual(local[i].features.sparse[name].ids);
        expect(threaded[i].features.sparse[name].offsets).toEqual(local[i].features.sparse[name].offsets);
      }
    }
    const labels = local.flatMap((e) => [...e.labels!]);
    expect(labels.length).toBe(32561);
    expect(labels.filter((y) => y === 1).length).toBe(7841);
  }, 60_000);

  it('elsewhere reads ahead on this thread, same elements, and stops the source when the consumer stops', async () => {
    expect(await values(rows().prefetch(3).batch(32))).toEqual(await values(rows().batch(32)));
    let pulled = 0;
    const ds = rows().map((e) => { pulled++; return e; }).prefetch(2);
    for await (const _ of ds) break;
    expect(pulled).toBeLessThanOrEqual(4);
  });
});

describe('Dataset sources', () => {
  it('fromBatches: arrays and functions pass again; a bare iterator only once', async () => {
    const graph = compile(columns, table().schema);
    const batches = table().batches.map((b) => ({ features: graph.transform(b, { sparse: 'all' }), labels: Array.from({ length: b.numRows }, () => 1) }));
    const ds = Dataset.fromBatches(batches).batch(50);
    expect((await values(ds)).x).toEqual(range(N));
    expect((await values(ds)).sizes).toEqual([50, 50]);
    const made = Dataset.fromBatches(function* () { yield* batches; });
    expect((await values(made)).x).toEqual(range(N));
    expect((await values(made)).x).toEqual(range(N)); // a fresh generator per pass
    const once = Dataset.fromBatches((function* () { yield* batches; })());
    expect((await values(once)).x).toEqual(range(N));
    await expect(once.toArray()).rejects.toThrow(/already consumed/);
  });

  it('map compiles against the data, and the label can be changed or dropped', async () => {
    const t = makeTable({ x: Float64Array.from([1, 2, 3]) });
    const [e] = await Dataset.fromTable(t).map([numericColumn('x')]).toArray();
    expect(e.labels).toBeNull();
    expect([...e.features.dense.values]).toEqual([1, 2, 3]);
    const [l] = await Dataset.fromTable(t, { label: { key: 'x' } }).map([numericColumn('x')]).toArray();
    expect([...l.labels!]).toEqual([1, 2, 3]);
    const [n] = await Dataset.fromTable(t, { label: { key: 'x' } }).map([numericColumn('x')], { label: null }).toArray();
    expect(n.labels).toBeNull();
  });
});
