import { type Data, type RecordBatch, Type } from 'apache-arrow';
import type { GraphNode, Node } from '../graph/nodes.ts';
import type { Hasher } from '../kernels/hash/hasher.ts';
import { DataError } from '../spec/errors.ts';
import { compileBucketizer } from '../kernels/bucketize.ts';
import { cross, CrossMemo, type CrossLeaf } from '../kernels/cross.ts';
import { DROP, IdTable, mapCodes, mapInts } from '../kernels/id-table.ts';
import { BytesInterner } from '../kernels/interner.ts';
import { type CategoricalValues, Ragged } from '../kernels/ragged.ts';
import { DictionaryCodes, readInts, readStrings } from '../kernels/read-categorical.ts';
import { readNumeric } from '../kernels/read-numeric.ts';
import { TupleMemo } from '../kernels/tuple-memo.ts';
import { readWeights } from '../kernels/weights.ts';
import { isListType } from '../kernels/arrow-data.ts';

/** What a node yields: floats or bucket indices [rows × width], raw categorical values, or ragged ids. */
export type NodeValue =
  | { kind: 'floats'; values: Float32Array; width: number }
  | { kind: 'buckets'; values: Int32Array; width: number }
  | CategoricalValues
  | { kind: 'ids'; ragged: Ragged<Int32Array> };

/**
 * One batch being run: its raw features (from a record batch, or fed one by one to a partial run),
 * where its rows start in the whole input, and the node values so far.
 */
export interface RunContext {
  batch: RecordBatch | null;
  /** Raw features fed by name; they win over the batch's fields. */
  features?: Map<string, Data>;
  rowBase: number;
  values: (NodeValue | undefined)[];
}

/** Interners, id tables and buffers above this many distinct values are cleared between batches. */
const MAX_DISTINCT = 1 << 21;

/**
 * Runs the nodes of a plan over record batches. Each node keeps its buffers and per-distinct-value caches
 * across batches, so steady state allocates nothing and decodes each distinct string once.
 */
export class Executor {
  private runners: ((ctx: RunContext) => NodeValue)[];

  constructor(private nodes: readonly GraphNode[], private hasher: Hasher) {
    this.runners = nodes.map((node) => this.runnerFor(node));
  }

  /** Computes node `id` (and what it needs) unless the context already holds it. */
  evaluate(id: number, ctx: RunContext): NodeValue {
    const known = ctx.values[id];
    if (known) return known;
    for (const input of this.nodes[id].inputs) this.evaluate(input, ctx);
    const value = this.runners[id](ctx);
    ctx.values[id] = value;
    return value;
  }

  private runnerFor(node: GraphNode): (ctx: RunContext) => NodeValue {
    const fail = (ctx: RunContext, row: number, reason: string): never => {
      throw new DataError(node.column, ctx.rowBase + row, reason);
    };
    const input = (ctx: RunContext, i = 0) => ctx.values[node.inputs[i]]!;
    switch (node.op) {
      case 'numeric': {
        const defaults = node.defaults ? Float64Array.from(node.defaults) : null;
        let out = new Float32Array(0);
        return (ctx) => {
          const data = column(ctx, node.key, node.column);
          if (out.length < data.length * node.width) out = new Float32Array(data.length * node.width);
          const failure = readNumeric(data, node.width, defaults, node.scale, out);
          if (failure) fail(ctx, failure.row, failure.reason);
          return { kind: 'floats', values: out.subarray(0, data.length * node.width), width: node.width };
        };
      }
      case 'bucketize': {
        const bucketize = compileBucketizer(Float32Array.from(node.boundaries));
        let out = new Int32Array(0);
        return (ctx) => {
          const source = input(ctx) as { values: Float32Array; width: number };
          if (out.length < source.values.length) out = new Int32Array(source.values.length);
          bucketize(source.values, source.values.length, out);
          return { kind: 'buckets', values: out.subarray(0, source.values.length), width: source.width };
        };
      }
      case 'bucket_ids': {
        const ragged = new Ragged(new Int32Array(0));
        return (ctx) => {
          const { values, width } = input(ctx) as { values: Int32Array; width: number };
          const rows = values.length / width;
          ragged.reset(rows, values.length);
          for (let i = 0; i < values.length; i++) ragged.values[i] = values[i] + node.depth * (i % width);
          for (let r = 0; r <= rows; r++) ragged.rowOffsets[r] = r * width;
          ragged.numValues = values.length;
          ragged.onePerRow = width === 1;
          return { kind: 'ids', ragged };
        };
      }
      case 'read_strings': {
        const interner = new BytesInterner();
        const dictionaries = new DictionaryCodes();
        const ragged = new Ragged(new Int32Array(0));
        return (ctx) => {
          if (interner.size > MAX_DISTINCT) interner.clear();
          const data = column(ctx, node.key, node.column);
          readStrings(data, interner, dictionaries, ragged);
          return { kind: 'strings', ragged, dense: isDenseInput(data), interner };
        };
      }
      case 'read_ints': {
        const ragged = new Ragged(new Float64Array(0));
        return (ctx) => {
          const data = column(ctx, node.key, node.column);
          const badRow = readInts(data, ragged);
          if (badRow >= 0) fail(ctx, badRow, 'integer beyond 2^53, which JavaScript numbers cannot hold exactly; map such ids to smaller ones or to strings');
          return { kind: 'ints', ragged, dense: isDenseInput(data) };
        };
      }
      case 'vocabulary':
      case 'hash_bucket':
      case 'identity':
        return this.lookupRunner(node, fail, input);
      case 'cross': {
        const memo = new CrossMemo(new TupleMemo(node.inputs.length));
        const generations = new Float64Array(node.inputs.length).fill(-1);
        const ragged = new Ragged(new Int32Array(0));
        const params = { hasher: this.hasher, hashKey: node.hashKey === null ? null : BigInt(node.hashKey), numBuckets: node.numBuckets, memo };
        return (ctx) => {
          const leaves = node.inputs.map((_, i) => crossLeaf(input(ctx, i)));
          // Memo keys hold string codes; if an interner was cleared, those codes mean other strings now.
          leaves.forEach((leaf, i) => {
            if (leaf.kind === 'strings' && leaf.interner.generation !== generations[i]) {
              generations[i] = leaf.interner.generation;
              memo.clear();
            }
          });
          cross(leaves, params, ragged);
          return { kind: 'ids', ragged };
        };
      }
      case 'weights': {
        const ragged = new Ragged(new Int32Array(0));
        return (ctx) => {
          const ids = (input(ctx) as { ragged: Ragged<Int32Array> }).ragged;
          const data = column(ctx, node.weightKey, node.column);
          const failure = readWeights(ids, data, ragged);
          if (failure) fail(ctx, failure.row, failure.reason);
          return { kind: 'ids', ragged };
        };
      }
    }
  }

  /** Vocabulary, hash bucket and identity: a per-value id, computed once per distinct string. */
  private lookupRunner(
    node: GraphNode & Extract<Node, { op: 'vocabulary' | 'hash_bucket' | 'identity' }>,
    fail: (ctx: RunContext, row: number, reason: string) => never,
    input: (ctx: RunContext) => NodeValue,
  ): (ctx: RunContext) => NodeValue {
    const ragged = new Ragged(new Int32Array(0));
    const table = new IdTable();
    const intIds = new Map<number, number>();
    const idOfString = stringIdFunction(node, this.hasher);
    const idOfInt = intIdFunction(node, this.hasher);
    let badValue = 0;
    return (ctx) => {
      const values = input(ctx) as CategoricalValues;
      if (values.kind === 'strings') {
        const { interner } = values;
        const drop = values.dense;
        const ids = table.extend(interner.size, interner.generation, (code) => {
          const bytes = interner.bytesOf(code);
          return drop && bytes.length === 0 ? DROP : idOfString(bytes);
        });
        mapCodes(values.ragged, ids, ragged);
      } else {
        const drop = values.dense;
        if (intIds.size > MAX_DISTINCT) intIds.clear();
        const badRow = mapInts(values.ragged, (value) => {
          if (drop && value === -1) return DROP;
          let id = intIds.get(value);
          if (id === undefined) {
            id = idOfInt(value);
            if (id !== id) badValue = value;
            else intIds.set(value, id);
          }
          return id;
        }, ragged);
        if (badRow >= 0) fail(ctx, badRow, outOfRange(node as Extract<Node, { op: 'identity' }>, badValue));
      }
      return { kind: 'ids', ragged };
    };
  }
}

function outOfRange(node: Extract<Node, { op: 'identity' }>, value: number): string {
  return `id ${value} is out of range [0, ${node.numBuckets}); give the column a defaultValue for such ids, or raise numBuckets`;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

function stringIdFunction(node: Extract<Node, { op: 'vocabulary' | 'hash_bucket' | 'identity' }>, hasher: Hasher): (bytes: Uint8Array) => number {
  if (node.op === 'hash_bucket') return (bytes) => hasher.bucketBytes(bytes, node.numBuckets);
  if (node.op === 'vocabulary') {
    const index = new Map<string | number, number>(node.vocabulary.map((v, i) => [v, i]));
    const size = node.vocabulary.length;
    return (bytes) => {
      const id = index.get(decoder.decode(bytes)); // once per distinct value, not per row
      if (id !== undefined) return id;
      return node.numOovBuckets > 0 ? size + hasher.bucketBytes(bytes, node.numOovBuckets) : node.defaultValue;
    };
  }
  return () => NaN; // identity columns never read strings (compile checks the type)
}

/** Ids of integer values (safe integers: read_ints checked them). NaN marks an identity id out of range. */
function intIdFunction(node: Extract<Node, { op: 'vocabulary' | 'hash_bucket' | 'identity' }>, hasher: Hasher): (value: number) => number {
  switch (node.op) {
    case 'identity':
      return (value) => (value >= 0 && value < node.numBuckets ? value : node.defaultValue ?? NaN);
    case 'hash_bucket':
      return (value) => hasher.bucketInt(value, node.numBuckets);
    case 'vocabulary': {
      const index = new Map<string | number, number>(node.vocabulary.map((v, i) => [v, i]));
      const size = node.vocabulary.length;
      return (value) => {
        const id = index.get(value);
        if (id !== undefined) return id;
        return node.numOovBuckets === 0 ? node.defaultValue : size + hasher.bucketInt(value, node.numOovBuckets);
      };
    }
  }
}

function crossLeaf(value: NodeValue): CrossLeaf {
  switch (value.kind) {
    case 'strings': return { kind: 'strings', ragged: value.ragged, interner: value.interner };
    case 'ints': return { kind: 'ints', ragged: value.ragged };
    case 'ids': return { kind: 'ints', ragged: value.ragged };
    default: throw new Error(`cannot cross a ${value.kind} value`);
  }
}

const fieldIndexCache = new WeakMap<object, Map<string, number>>();

/** The Data of feature `key` in this batch (compile checked it exists; a later batch may still lack it). */
function column(ctx: RunContext, key: string, columnName: string): Data {
  const fed = ctx.features?.get(key);
  if (fed) return fed;
  if (!ctx.batch) throw new DataError(columnName, ctx.rowBase, `feature '${key}' has not been fed`);
  const schema = ctx.batch.schema;
  let indexes = fieldIndexCache.get(schema);
  if (!indexes) {
    indexes = new Map(schema.fields.map((f, i) => [f.name, i]));
    fieldIndexCache.set(schema, indexes);
  }
  const index = indexes.get(key);
  if (index === undefined) throw new DataError(columnName, ctx.rowBase, `feature '${key}' is missing from this batch`);
  return ctx.batch.data.children[index];
}

/** TF's dense tensors: one value, or a fixed number of values, per row (a variable List is a SparseTensor). */
function isDenseInput(data: Data): boolean {
  return !isListType(data.type.typeId) || data.type.typeId === Type.FixedSizeList;
}
