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
