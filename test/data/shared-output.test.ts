import { describe, expect, it } from 'vitest';
import * as census from '../../columns/census.ts';
import { SharedArena } from '../../src/data/messages.ts';
import { transformFiles } from '../../src/data/parallel-transform.ts';
import { compile, readCsv, toConfig } from '../../src/index.ts';
import { Table, type RecordBatch } from 'apache-arrow';

const CENSUS = 'fixtures/io/census-100.csv';

describe('outputs in shared memory', () => {
  it('graph.transform with allocate gives the same tensors as without, in the allocator\'s memory', async () => {
    const reader = readCsv(CENSUS);
    const batches: RecordBatch[] = [];
    for await (const b of reader) batches.push(b);
    const table = new Table(batches);
    const graph = compile(census.columns, await reader.schema());
    const plain = graph.transform(table, { sparse: 'all' });
    const arena = new SharedArena(1 << 12); // small blocks: several per transform
    const shared = graph.transform(table, { sparse: 'all', allocate: arena });
    expect(shared.dense.values.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(shared.dense.values)).toEqual(Array.from(plain.dense.values));
    for (const [name, r] of Object.entries(plain.sparse)) {
      expect(shared.sparse[name].ids.buffer, name).toBeInstanceOf(SharedArrayBuffer);
      expect(Array.from(shared.sparse[name].ids), name).toEqual(Array.from(r.ids));
      expect(Array.from(shared.sparse[name].offsets), name).toEqual(Array.from(r.offsets));
    }
    // Arrays carved from one block do not overlap: a second transform leaves the first one's values alone.
    const again = graph.transform(table, { sparse: 'all', allocate: arena });
    again.dense.values.fill(-1);
    for (const r of Object.values(again.sparse)) r.ids.fill(-1);
    expect(Array.from(shared.dense.values)).toEqual(Array.from(plain.dense.values));
    for (const [name, r] of Object.entries(plain.sparse)) expect(Array.from(shared.sparse[name].ids), name).toEqual(Array.from(r.ids));
  });

  it('transformFiles gives shared-memory results with 1 and 2 workers, and plain reused buffers with reuseBuffers', async () => {
    for (const workers of [1, 2]) {
      for await (const { batch } of transformFiles({ paths: CENSUS, spec: toConfig(census.columns), sparse: 'all', workers })) {
        expect(batch.dense.values.buffer, `${workers} workers`).toBeInstanceOf(SharedArrayBuffer);
        for (const r of Object.values(batch.sparse)) expect(r.ids.buffer).toBeInstanceOf(SharedArrayBuffer);
      }
    }
    for await (const { batch } of transformFiles({ paths: CENSUS, spec: toConfig(census.columns), reuseBuffers: true })) {
      expect(batch.dense.values.buffer).toBeInstanceOf(ArrayBuffer);
    }
  });
});

describe('many transform errors in one chunk', () => {
  it('skip keeps exactly the good rows, 1 and 2 workers alike, in O(k log n) transforms', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { numericColumn, categoricalColumnWithHashBucket, embeddingColumn } = await import('../../src/index.ts');
    const dir = mkdtempSync(join(tmpdir(), 'fcol-holes-'));
    let holes = 'age,name\n';
    let clean = 'age,name\n';
    for (let i = 0; i < 60_000; i++) {
      const bad = i % 5 === 2 || (i >= 30_000 && i < 30_500);
      const row = `${20 + (i % 50)},n${i % 97}\n`;
      holes += bad ? `,n${i % 97}\n` : row;
      if (!bad) clean += row;
    }
    writeFileSync(join(dir, 'holes.csv'), holes);
    writeFileSync(join(dir, 'clean.csv'), clean);
    const spec = toConfig([numericColumn('age'), embeddingColumn(categoricalColumnWithHashBucket('name', 100), 4)]);
    const dense = async (path: string, workers: number) => {
      const run = transformFiles({ paths: path, spec, sparse: 'all', workers, onError: 'skip' });
      const values: number[] = [];
      const ids: number[] = [];
      for await (const { batch } of run) {
        values.push(...batch.dense.values);
        ids.push(...batch.sparse.name.ids);
      }
      return { values, ids, stats: { ...run.stats } };
    };
    const started = performance.now();
    const want = await dense(join(dir, 'clean.csv'), 1);
    for (const workers of [1, 2]) {
      const got = await dense(join(dir, 'holes.csv'), workers);
      expect(got.stats).toEqual({ rowsIn: 60_000, rowsOut: want.values.length, rowsRejected: 60_000 - want.values.length });
      expect(got.values).toEqual(want.values);
      expect(got.ids).toEqual(want.ids);
    }
    // 12,000+ bad rows: a retry of the whole chunk per bad row would take minutes.
    expect(performance.now() - started).toBeLessThan(30_000);
  }, 60_000);
});
