// The compiled graph (src/graph, src/tensor): sharing, freezing, describe(), sparse outputs, buffer reuse,
// and the TF-style Session (run with fetches and feeds, partialRunSetup / partialRun).
import { Float64, Int64, type RecordBatch, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  bucketizedColumn, categoricalColumnWithHashBucket, categoricalColumnWithVocabularyList, compile, crossedColumn,
  embeddingColumn, type FeatureBatch, type GraphNode, indicatorColumn, numericColumn,
} from '../src/index.ts';

const age = numericColumn('age');
const ageBuckets = bucketizedColumn(age, [18, 30, 50]);
const education = categoricalColumnWithVocabularyList('education', ['Bachelors', 'Masters', 'Doctorate']);
const occupation = categoricalColumnWithHashBucket('occupation', 10);
const ageXEducation = crossedColumn([ageBuckets, 'education'], 100);

function table(ages: (number | null)[], educations: (string | null)[], occupations?: (string | null)[]): Table {
  return new Table({
    age: vectorFromArray(ages, new Float64()),
    education: vectorFromArray(educations, new Utf8()),
    occupation: vectorFromArray(occupations ?? educations.map((_, i) => `job${i % 3}`), new Utf8()),
  });
}

const data = table([17, 30, 64, 45], ['Bachelors', 'PhD', 'Masters', 'Doctorate']);
const batch: RecordBatch = data.batches[0];

const count = (nodes: readonly GraphNode[], op: GraphNode['op']) => nodes.filter((n) => n.op === op).length;

describe('compile', () => {
  it('shares identical sub-expressions: one bucketize node for a bucketized age used densely and in a cross', () => {
    const graph = compile([ageBuckets, ageXEducation], data.schema);
    const nodes = graph.plan.nodes;
    expect(count(nodes, 'numeric')).toBe(1);
    expect(count(nodes, 'bucketize')).toBe(1);
    expect(count(nodes, 'bucket_ids')).toBe(1);
    expect(count(nodes, 'read_strings')).toBe(1);
    expect(count(nodes, 'cross')).toBe(1);
    // age → age_bucketized → age_bucketized/ids; education/raw; the cross
    expect(nodes.length).toBe(5);
    const cross = nodes.find((n) => n.op === 'cross')!;
    const bucketIds = nodes.find((n) => n.op === 'bucket_ids')!;
    expect(cross.inputs).toContain(bucketIds.id);
  });

  it('shares the numeric read between a numeric column and its bucketized column, and the raw read between columns of one key', () => {
    const graph = compile([age, ageBuckets, ageXEducation, indicatorColumn(education), education], data.schema);
    const nodes = graph.plan.nodes;
    expect(count(nodes, 'numeric')).toBe(1);
    expect(count(nodes, 'bucketize')).toBe(1);
    expect(count(nodes, 'read_strings')).toBe(1);
    expect(count(nodes, 'vocabulary')).toBe(1);
    expect(nodes.length).toBe(6);
    expect(new Set(nodes.map((n) => n.name)).size).toBe(nodes.length);
  });

  it('does not share nodes that differ: same key, other boundaries or defaults', () => {
    const other = bucketizedColumn(numericColumn('age', { defaultValue: 0 }), [40]);
    const graph = compile([ageBuckets, numericColumn('age', { defaultValue: 0 }), crossedColumn([other, 'education'], 10)], data.schema);
    expect(count(graph.plan.nodes, 'numeric')).toBe(2);
    expect(count(graph.plan.nodes, 'bucketize')).toBe(2);
    expect(new Set(graph.plan.nodes.map((n) => n.name)).size).toBe(graph.plan.nodes.length);
  });

  it('orders nodes so that every input comes before the node that reads it', () => {
    const graph = compile([age, ageBuckets, ageXEducation, indicatorColumn(education), embeddingColumn(occupation, 4)], data.schema);
    graph.plan.nodes.forEach((node, i) => {
      expect(node.id).toBe(i);
      for (const input of node.inputs) expect(input).toBeLessThan(i);
    });
  });

  it('freezes the graph: nodes, plan and graph cannot change', () => {
    const graph = compile([ageBuckets, ageXEducation], data.schema);
    expect(Object.isFrozen(graph.plan.nodes)).toBe(true);
    expect(Object.isFrozen(graph.plan)).toBe(true);
    expect(Object.isFrozen(graph.plan.dense)).toBe(true);
    expect(Object.isFrozen(graph.plan.sparse)).toBe(true);
    expect(Object.isFrozen(graph)).toBe(true);
    expect(graph.plan.nodes.every((n) => Object.isFrozen(n) && Object.isFrozen(n.inputs))).toBe(true);
    const before = graph.plan.nodes.length;
    expect(() => (graph.plan.nodes as GraphNode[]).push({ ...graph.plan.nodes[0], id: before })).toThrow(TypeError);
    expect(() => { (graph.plan.nodes[0] as { name: string }).name = 'x'; }).toThrow(TypeError);
    expect(graph.plan.nodes.length).toBe(before);
  });

  it('describe() names every node and every dense column', () => {
    const graph = compile([age, ageBuckets, ageXEducation, indicatorColumn(education), embeddingColumn(occupation, 4)], data.schema);
    const text = graph.describe();
    for (const node of graph.plan.nodes) expect(text).toContain(node.name);
    for (const entry of graph.layout) expect(text).toContain(entry.name);
    for (const s of graph.plan.sparse) expect(text).toContain(s.name);
    expect(text).toContain(`${graph.plan.nodes.length} nodes`);
    expect(text).toContain(`dense width ${graph.denseWidth}`);
  });
});

describe('transform outputs', () => {
  const cols = [age, ageBuckets, ageXEducation, indicatorColumn(education), embeddingColumn(occupation, 4)];

  it("{sparse: 'all'} adds the categorical columns nested in indicators, embeddings and crosses", () => {
    const graph = compile(cols, data.schema);
    expect(graph.sparseNames().sort()).toEqual(['age_bucketized_X_education', 'occupation_embedding']);
    expect(graph.sparseNames('all').sort()).toEqual(
      ['age_bucketized', 'age_bucketized_X_education', 'education', 'occupation', 'occupation_embedding']);
    const fb = graph.transform(data);
    const all = graph.transform(data, { sparse: 'all' });
    expect(Object.keys(fb.sparse).sort()).toEqual(graph.sparseNames().sort());
    expect(Object.keys(all.sparse).sort()).toEqual(graph.sparseNames('all').sort());
    expect(all.dense.values).toEqual(fb.dense.values);
    // ages 17, 30, 64, 45 with boundaries [18, 30, 50]: left-closed buckets 0, 2, 3, 2
    expect(Array.from(all.sparse.age_bucketized.ids)).toEqual([0, 2, 3, 2]);
    // 'PhD' is out of vocabulary: no id in the output (the -1 is pruned)
    expect(Array.from(all.sparse.education.ids)).toEqual([0, 1, 2]);
    expect(Array.from(all.sparse.education.offsets)).toEqual([0, 1, 1, 2, 3]);
    expect(all.sparse.education.cardinality).toBe(3);
    expect(all.sparse.occupation.ids).toEqual(all.sparse.occupation_embedding.ids);
  });

  it("{sparse: 'all'} refuses two different nested columns of one name, and says which", () => {
    const byVocabulary = indicatorColumn(categoricalColumnWithVocabularyList('occupation', ['job0', 'job1']));
    const graph = compile([byVocabulary, embeddingColumn(occupation, 4)], data.schema);
    expect(graph.transform(data).sparse.occupation_embedding.ids.length).toBe(4); // the default outputs still work
    expect(() => graph.transform(data, { sparse: 'all' })).toThrow(/'occupation': different categorical columns share that name/);
  });

  it('rejects an unknown sparse option', () => {
    const graph = compile(cols, data.schema);
    expect(() => graph.transform(data, { sparse: 'some' as 'all' })).toThrow(/sparse/);
  });

  it('reuseBuffers: the second call returns the same buffer, with the same values as a non-reusing call', () => {
    const graph = compile(cols, data.schema);
    const other = table([70, 1, 29, 18], ['Masters', 'Masters', '', 'Doctorate']);
    const fresh1 = compile(cols, data.schema).transform(data, { sparse: 'all' });
    const fresh2 = compile(cols, data.schema).transform(other, { sparse: 'all' });

    const a = graph.transform(data, { sparse: 'all', reuseBuffers: true });
    const aDense = a.dense.values.slice();
    expect(aDense).toEqual(fresh1.dense.values);
    for (const name of Object.keys(fresh1.sparse)) expect(Array.from(a.sparse[name].ids), name).toEqual(Array.from(fresh1.sparse[name].ids));

    const b = graph.transform(other, { sparse: 'all', reuseBuffers: true });
    expect(b.dense.values.buffer).toBe(a.dense.values.buffer);
    for (const name of Object.keys(b.sparse)) {
      expect(b.sparse[name].ids.buffer, name).toBe(a.sparse[name].ids.buffer);
      expect(b.sparse[name].offsets.buffer, name).toBe(a.sparse[name].offsets.buffer);
    }
    expect(b.dense.values).toEqual(fresh2.dense.values);
    for (const name of Object.keys(fresh2.sparse)) {
      expect(Array.from(b.sparse[name].ids), name).toEqual(Array.from(fresh2.sparse[name].ids));
      expect(Array.from(b.sparse[name].offsets), name).toEqual(Array.from(fresh2.sparse[name].offsets));
    }
    // a's arrays were overwritten: that is the contract of reuseBuffers.
    expect(a.dense.values).toEqual(b.dense.values);

    // Without reuse, every call allocates fresh arrays.
    const c = graph.transform(data);
    const d = graph.transform(data);
    expect(c.dense.values.buffer).not.toBe(d.dense.values.buffer);
    expect(c.dense.values.buffer).not.toBe(b.dense.values.buffer);
    expect(c.dense.values).toEqual(d.dense.values);
  });

  it('reuseBuffers: a smaller batch after a larger one is zeroed and sized, a larger one grows', () => {
    const graph = compile(cols, data.schema);
    const small = table([64], ['Doctorate']);
    const big = table(Array.from({ length: 50 }, (_, i) => i * 1.5), Array.from({ length: 50 }, (_, i) => ['Bachelors', 'x', 'Masters'][i % 3]));
    for (const input of [data, small, big, small, data]) {
      const want = compile(cols, data.schema).transform(input, { sparse: 'all' });
      const got = graph.transform(input, { sparse: 'all', reuseBuffers: true });
      expect(got.dense.shape).toEqual(want.dense.shape);
      expect(got.dense.values).toEqual(want.dense.values);
      for (const name of Object.keys(want.sparse)) {
        expect(Array.from(got.sparse[name].ids), name).toEqual(Array.from(want.sparse[name].ids));
        expect(Array.from(got.sparse[name].offsets), name).toEqual(Array.from(want.sparse[name].offsets));
      }
    }
  });
});

describe('Session', () => {
  const cols = [age, ageBuckets, ageXEducation, indicatorColumn(education), embeddingColumn(occupation, 4)];
  const graph = compile(cols, data.schema);

  it('lists every node by name', () => {
    expect(graph.session().nodeNames).toEqual(graph.plan.nodes.map((n) => n.name));
  });

  it('fetches intermediate nodes: bucket indices before the one-hot, vocabulary ids keeping -1', () => {
    const out = graph.session().run(batch, ['age_bucketized', 'age_bucketized/ids', 'education', 'education/raw', 'age']);
    expect(out.age_bucketized).toBeInstanceOf(Int32Array);
    expect(Array.from(out.age_bucketized as Int32Array)).toEqual([0, 2, 3, 2]);
    const ids = out['age_bucketized/ids'] as { ids: Int32Array; offsets: Int32Array };
    expect(Array.from(ids.ids)).toEqual([0, 2, 3, 2]);
    const edu = out.education as { ids: Int32Array; offsets: Int32Array };
    expect(Array.from(edu.ids)).toEqual([0, -1, 1, 2]);
    expect(Array.from(edu.offsets)).toEqual([0, 1, 2, 3, 4]);
    expect(out['education/raw']).toEqual({ values: ['Bachelors', 'PhD', 'Masters', 'Doctorate'], offsets: Int32Array.from([0, 1, 2, 3, 4]) });
    expect(Array.from(out.age as Float32Array)).toEqual([17, 30, 64, 45]);
  });

  it('fetches every node by default, and fetched values are copies', () => {
    const session = graph.session();
    const all = session.run(batch);
    expect(Object.keys(all)).toEqual(session.nodeNames);
    const first = session.run(batch, ['age_bucketized']).age_bucketized as Int32Array;
    session.run(table([1, 2, 3, 4], ['a', 'b', 'c', 'd']).batches[0], ['age_bucketized']);
    expect(Array.from(first)).toEqual([0, 2, 3, 2]);
  });

  it('feeds override a node: feed age, fetch age_bucketized', () => {
    const session = graph.session();
    const out = session.run(batch, ['age_bucketized', 'age_bucketized/ids'], { age: Float32Array.from([50, -1, 18, NaN]) });
    expect(Array.from(out.age_bucketized as Int32Array)).toEqual([3, 0, 1, 3]);
    expect(Array.from((out['age_bucketized/ids'] as { ids: Int32Array }).ids)).toEqual([3, 0, 1, 3]);
    // The override does not leak into the next run.
    expect(Array.from(session.run(batch, ['age_bucketized']).age_bucketized as Int32Array)).toEqual([0, 2, 3, 2]);
  });

  it('a feed replaces the read, so a batch whose feature would fail can still run', () => {
    const bad = table([null, 1, 2, 3], ['a', 'b', 'c', 'd']).batches[0];
    const session = graph.session();
    expect(() => session.run(bad, ['age_bucketized'])).toThrow(/row 0/);
    const out = session.run(bad, ['age_bucketized'], { age: Float32Array.from([20, 1, 2, 3]) });
    expect(Array.from(out.age_bucketized as Int32Array)).toEqual([1, 0, 0, 0]);
  });

  it('feeds a bucketize node directly and the cross reads the fed buckets', () => {
    const session = graph.session();
    const fed = session.run(batch, ['age_bucketized/ids'], { age_bucketized: Int32Array.from([1, 1, 1, 1]) });
    expect(Array.from((fed['age_bucketized/ids'] as { ids: Int32Array }).ids)).toEqual([1, 1, 1, 1]);
    const viaAge = session.run(batch, ['age_bucketized_X_education'], { age: Float32Array.from([20, 20, 20, 20]) });
    const viaBuckets = session.run(batch, ['age_bucketized_X_education'], { age_bucketized: Int32Array.from([1, 1, 1, 1]) });
    expect(viaBuckets).toEqual(viaAge);
  });

  it('rejects feeds of the wrong shape, raw inputs and unknown nodes, naming them', () => {
    const session = graph.session();
    expect(() => session.run(batch, ['age_bucketized'], { age: Float32Array.from([1, 2]) })).toThrow(/age/);
    expect(() => session.run(batch, ['education'], { 'education/raw': Int32Array.from([0, 0, 0, 0]) })).toThrow(/education\/raw/);
    expect(() => session.run(batch, ['nope'])).toThrow(/nope/);
    expect(() => session.run(batch, ['education'], { nope: Int32Array.from([0]) })).toThrow(/nope/);
  });

  it('feeds a raw feature as an Arrow Vector, which wins over the batch field', () => {
    const session = graph.session();
    const out = session.run(batch, ['age_bucketized', 'education'], {
      age: vectorFromArray([50, -1, 18, 30], new Float64()),
      education: vectorFromArray(['Masters', 'Masters', 'x', 'Bachelors'], new Utf8()),
    });
    expect(Array.from(out.age_bucketized as Int32Array)).toEqual([3, 0, 1, 2]);
    expect(Array.from((out.education as { ids: Int32Array }).ids)).toEqual([1, 1, -1, 0]);
  });

  describe('partialRunSetup / partialRun', () => {
    const ages = () => vectorFromArray([60, 10, 35, 25], new Float64());
    const educations = () => vectorFromArray(['Bachelors', 'PhD', 'Masters', 'Doctorate'], new Utf8());

    it('fetching a node that needs a pending feed fails naming the feed; feeding it in a later step lets it run', () => {
      const session = graph.session();
      const handle = session.partialRunSetup(['age_bucketized', 'education'], ['age', 'education']);
      session.partialRun(handle, [], { education: educations() });
      expect(() => session.partialRun(handle, ['age_bucketized'])).toThrow(/'age'/);
      // Nodes that do not depend on the pending feed can be fetched meanwhile.
      const edu = session.partialRun(handle, ['education']).education as { ids: Int32Array };
      expect(Array.from(edu.ids)).toEqual([0, -1, 1, 2]);
      session.partialRun(handle, [], { age: ages() });
      const out = session.partialRun(handle, ['age_bucketized']);
      expect(Array.from(out.age_bucketized as Int32Array)).toEqual([3, 0, 2, 1]);
    });

    it('feeds a node (not a raw feature) in a later step: age as float32 values, then the buckets', () => {
      const session = graph.session();
      const handle = session.partialRunSetup(['age_bucketized', 'age_bucketized_X_education'], ['education', 'age']);
      expect(() => session.partialRun(handle, ['age_bucketized_X_education'])).toThrow(/'(education|age)'/);
      session.partialRun(handle, [], { education: educations() });
      expect(() => session.partialRun(handle, ['age_bucketized_X_education'])).toThrow(/'age'/);
      const out = session.partialRun(handle, ['age_bucketized'], { age: Float32Array.from([60, 10, 35, 25]) });
      expect(Array.from(out.age_bucketized as Int32Array)).toEqual([3, 0, 2, 1]);
      const whole = graph.session().run(null, ['age_bucketized_X_education'], { age: ages(), education: educations() });
      expect(session.partialRun(handle, ['age_bucketized_X_education'])).toEqual(whole);
    });

    it('feeds and fetches in the same step', () => {
      const session = graph.session();
      const handle = session.partialRunSetup(['age_bucketized'], ['age']);
      const out = session.partialRun(handle, ['age_bucketized'], { age: ages() });
      expect(Array.from(out.age_bucketized as Int32Array)).toEqual([3, 0, 2, 1]);
    });

    it('refuses a feed not declared in the setup, or fed twice, naming it', () => {
      const session = graph.session();
      const handle = session.partialRunSetup(['age_bucketized'], ['age']);
      expect(() => session.partialRun(handle, [], { age_bucketized: Int32Array.from([0, 0, 0, 0]) })).toThrow(/age_bucketized/);
      expect(() => session.partialRun(handle, [], { education: educations() })).toThrow(/education/);
      session.partialRun(handle, [], { age: ages() });
      expect(() => session.partialRun(handle, [], { age: ages() })).toThrow(/'age'/);
    });

    it('refuses a fetch not declared in the setup, and unknown names at setup', () => {
      const session = graph.session();
      const handle = session.partialRunSetup(['education'], ['education']);
      expect(() => session.partialRun(handle, ['age_bucketized'])).toThrow(/age_bucketized/);
      expect(() => session.partialRunSetup(['nope'])).toThrow(/nope/);
      expect(() => session.partialRunSetup(['education'], ['nope'])).toThrow(/nope/);
    });

    it('a handle keeps its values while other runs use the session', () => {
      const session = graph.session();
      const handle = session.partialRunSetup(['age_bucketized', 'age_bucketized/ids'], ['age']);
      session.partialRun(handle, [], { age: ages() });
      const first = Array.from(session.partialRun(handle, ['age_bucketized']).age_bucketized as Int32Array);
      session.run(table([1, 2, 3, 4], ['a', 'b', 'c', 'd']).batches[0]);
      const ids = session.partialRun(handle, ['age_bucketized/ids'])['age_bucketized/ids'] as { ids: Int32Array };
      expect(first).toEqual([3, 0, 2, 1]);
      expect(Array.from(ids.ids)).toEqual([3, 0, 2, 1]);
    });
  });
});

describe('integer inputs', () => {
  it('fetches raw integer reads as numbers', () => {
    const t = new Table({ k: vectorFromArray([1n, null, 3n], new Int64()), age: vectorFromArray([1, 2, 3], new Float64()) });
    const g = compile([crossedColumn(['k', bucketizedColumn(age, [2])], 10)], t.schema);
    const raw = g.session().run(t.batches[0], ['k/raw'])['k/raw'];
    expect(raw).toEqual({ values: [1, 3], offsets: Int32Array.from([0, 1, 1, 2]) });
    const fb: FeatureBatch = g.transform(t);
    expect(Array.from(fb.sparse['age_bucketized_X_k'].offsets)).toEqual([0, 1, 1, 2]);
  });
});
