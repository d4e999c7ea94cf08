import { type Data, type RecordBatch, Vector } from 'apache-arrow';
import type { GraphPlan } from '../graph/compile.ts';
import { featureKeyOf, type GraphNode } from '../graph/nodes.ts';
import { hasherFor } from '../kernels/hash/hasher.ts';
import { Ragged } from '../kernels/ragged.ts';
import { Executor, type NodeValue, type RunContext } from './executor.ts';

/** What `run` gives for a node: a copy, safe to keep. */
export type FetchValue =
  | Float32Array // numeric values, row-major [rows × width]
  | Int32Array // bucket indices, row-major [rows × width]
  | { ids: Int32Array; offsets: Int32Array; weights?: Float32Array } // ragged ids
  | { values: (string | number)[]; offsets: Int32Array }; // raw categorical input

/**
 * What a feed may be: a node's value (same shapes as fetches), or, under a raw feature's name, an Arrow
 * Vector holding that feature for the batch's rows.
 */
export type FeedValue = Float32Array | Int32Array | { ids: Int32Array; offsets: Int32Array; weights?: Float32Array } | Vector;

export interface PartialRunHandle {
  readonly fetches: ReadonlySet<string>;
  readonly pendingFeeds: Set<string>;
  readonly ctx: RunContext;
  readonly executor: Executor;
}

/**
 * Runs a compiled graph, TF-style: fetch any node by name, feed overrides for any node or raw feature,
 * and partialRunSetup / partialRun to continue one run step by step with more feeds.
 */
export class Session {
  private executor: Executor;
  private byName: Map<string, GraphNode>;
  private featureKeys: Set<string>;

  constructor(private plan: GraphPlan) {
    this.executor = new Executor(plan.nodes, hasherFor(plan.hash));
    this.byName = new Map(plan.nodes.map((n) => [n.name, n]));
    this.featureKeys = new Set(plan.nodes.flatMap((n) => featureKeyOf(n) ?? []));
  }

  /** Node names that `run` can fetch or feed. */
  get nodeNames(): string[] {
    return this.plan.nodes.map((n) => n.name);
  }

  /** Runs `batch` (raw features may also be fed), returning a copy of each fetched node. */
  run(batch: RecordBatch | null, fetches: readonly string[] = this.nodeNames, feeds: Record<string, FeedValue> = {}): Record<string, FetchValue> {
    const ctx: RunContext = { batch, rowBase: 0, values: new Array(this.plan.nodes.length) };
    for (const [name, value] of Object.entries(feeds)) this.feed(ctx, name, value);
    return this.fetch(this.executor, ctx, fetches);
  }

  /** Declares what a partial run will fetch and what will be fed later (node names or raw feature keys). */
  partialRunSetup(fetches: readonly string[], feeds: readonly string[] = []): PartialRunHandle {
    fetches.forEach((name) => this.node(name));
    feeds.forEach((name) => this.byName.has(name) || this.featureKeys.has(name) || this.node(name));
    // A handle gets its own executor: its values must survive other runs on this session.
    return {
      fetches: new Set(fetches), pendingFeeds: new Set(feeds), executor: new Executor(this.plan.nodes, hasherFor(this.plan.hash)),
      ctx: { batch: null, features: new Map(), rowBase: 0, values: new Array(this.plan.nodes.length) },
    };
  }

  /** Feeds more values into a partial run, then fetches nodes whose inputs are all there. */
  partialRun(handle: PartialRunHandle, fetches: readonly string[], feeds: Record<string, FeedValue> = {}): Record<string, FetchValue> {
    for (const [name, value] of Object.entries(feeds)) {
      if (!handle.pendingFeeds.delete(name)) {
        throw new Error(`partialRun: '${name}' was not declared as a feed in partialRunSetup, or was fed already`);
      }
      this.feed(handle.ctx, name, value);
    }
    for (const name of fetches) {
      if (!handle.fetches.has(name)) throw new Error(`partialRun: '${name}' was not declared as a fetch in partialRunSetup`);
      const missing = this.missingInput(this.node(name).id, handle.ctx, handle.pendingFeeds);
      if (missing) throw new Error(`partialRun: fetching '${name}' needs '${missing}', which has not been fed yet`);
    }
    return this.fetch(handle.executor, handle.ctx, fetches);
  }

  /** The first feed or raw feature that node `id` still waits for, or null. */
  private missingInput(id: number, ctx: RunContext, pending: ReadonlySet<string>): string | null {
    const node = this.plan.nodes[id];
    if (ctx.values[id]) return null;
    if (pending.has(node.name)) return node.name;
    const key = featureKeyOf(node);
    if (key !== null && !ctx.features?.has(key) && (pending.has(key) || !ctx.batch)) return key;
    for (const input of node.inputs) {
      const missing = this.missingInput(input, ctx, pending);
      if (missing) return missing;
    }
    return null;
  }

  private fetch(executor: Executor, ctx: RunContext, fetches: readonly string[]): Record<string, FetchValue> {
    const out: Record<string, FetchValue> = {};
    for (const name of fetches) out[name] = toFetch(executor.evaluate(this.node(name).id, ctx));
    return out;
  }

  private feed(ctx: RunContext, name: string, value: FeedValue): void {
    if (value instanceof Vector) {
      if (!this.featureKeys.has(name)) throw new Error(`feed '${name}': no column reads a feature of that name`);
      if (value.data.length !== 1) throw new Error(`feed '${name}': give a Vector of one chunk (vector.data.length is ${value.data.length})`);
      (ctx.features ??= new Map<string, Data>()).set(name, value.data[0]);
      return;
    }
    const node = this.node(name);
    ctx.values[node.id] = fromFeed(node, value, this.rowsOf(ctx, name));
  }

  private rowsOf(ctx: RunContext, name: string): number {
    if (ctx.batch) return ctx.batch.numRows;
    const fed = ctx.features?.values().next().value;
    if (fed) return fed.length;
    throw new Error(`feed '${name}': feed a raw feature (or run with a batch) first, so the number of rows is known`);
  }

  private node(name: string): GraphNode {
    const node = this.byName.get(name);
    if (!node) throw new Error(`no node named '${name}'; the graph has: ${this.nodeNames.join(', ')}`);
    return node;
  }
}

function toFetch(value: NodeValue): FetchValue {
  switch (value.kind) {
    case 'floats':
    case 'buckets':
      return value.values.slice();
    case 'ids': {
      const { ragged } = value;
      const ids = ragged.values.slice(0, ragged.numValues);
      const offsets = ragged.rowOffsets.slice(0, ragged.numRows + 1);
      return ragged.weights ? { ids, offsets, weights: ragged.weights.slice(0, ragged.numValues) } : { ids, offsets };
    }
    case 'strings': {
      const { ragged, interner } = value;
      const decoder = new TextDecoder();
      const values = Array.from(ragged.values.subarray(0, ragged.numValues), (code) => decoder.decode(interner.bytesOf(code)));
      return { values, offsets: ragged.rowOffsets.slice(0, ragged.numRows + 1) };
    }
    case 'ints':
      return { values: Array.from(value.ragged.values.subarray(0, value.ragged.numValues)), offsets: value.ragged.rowOffsets.slice(0, value.ragged.numRows + 1) };
  }
}

function fromFeed(node: GraphNode, value: Exclude<FeedValue, Vector>, numRows: number): NodeValue {
  const where = `feed '${node.name}'`;
  switch (node.op) {
    case 'numeric':
      if (!(value instanceof Float32Array) || value.length !== numRows * node.width) {
        throw new Error(`${where}: expected a Float32Array of ${numRows * node.width} values (rows × width)`);
      }
      return { kind: 'floats', values: value, width: node.width };
    case 'bucketize': {
      const width = value instanceof Int32Array ? value.length / numRows : 0;
      if (!(value instanceof Int32Array) || !Number.isInteger(width) || width < 1) {
        throw new Error(`${where}: expected an Int32Array of bucket indices, rows × width`);
      }
      return { kind: 'buckets', values: value, width };
    }
    case 'read_strings':
    case 'read_ints':
      throw new Error(`${where}: feed the raw feature '${node.key}' as an Arrow Vector instead`);
    default: {
      if (value instanceof Float32Array || value instanceof Int32Array || value.offsets.length !== numRows + 1) {
        throw new Error(`${where}: expected ragged ids {ids, offsets (length rows + 1), weights?}`);
      }
      const ragged = new Ragged(value.ids as Int32Array<ArrayBuffer>);
      ragged.numRows = numRows;
      ragged.numValues = value.offsets[numRows];
      ragged.rowOffsets = value.offsets as Int32Array<ArrayBuffer>;
      ragged.weights = value.weights ?? null;
      return { kind: 'ids', ragged };
    }
  }
}
