import { type Data, type RecordBatch, Type } from 'apache-arrow';
import type { GraphNode } from '../graph/nodes.ts';
import type { Hasher } from '../kernels/hash/hasher.ts';
import { DataError } from '../spec/errors.ts';
import { compileBucketizer } from '../kernels/bucketize.ts';
import { cross, CrossMemo, type CrossLeaf } from '../kernels/cross.ts';
import { BytesInterner } from '../kernels/interner.ts';
import { type CategoricalValues, Ragged } from '../kernels/ragged.ts';
import { lookupRunner } from './lookup-runner.ts';
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
export const MAX_DISTINCT = 1 << 21;

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
        return lookupRunner(node, this.hasher, fail, input);
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
