import { type RecordBatch, type Schema, Table } from 'apache-arrow';
import { type CompileOptions, type GraphPlan, planGraph } from '../graph/compile.ts';
import type { DenseWriter, LayoutEntry, SparseOutput } from '../graph/nodes.ts';
import { writeCounts, writeFloats, writeOneHot } from '../kernels/dense-writers.ts';
import { grow } from '../kernels/grow.ts';
import { hasherFor } from '../kernels/hash/hasher.ts';
import type { Ragged } from '../kernels/ragged.ts';
import type { FeatureColumn } from '../spec/types.ts';
import { describePlan } from './describe.ts';
import { Executor, type NodeValue, type RunContext } from './executor.ts';
import { type FeatureBatch, type RaggedTensor, concatRagged } from './feature-batch.ts';
import { Session } from './session.ts';

export interface TransformOptions {
  /** 'default': embedding and bare categorical columns; 'all': also every categorical column inside (for linear models). */
  sparse?: 'default' | 'all';
  /**
   * Reuse this graph's output buffers: the returned arrays are overwritten by the next transform.
   * Saves all allocation in steady state; copy what you keep.
   */
  reuseBuffers?: boolean;
  /**
   * Where the output arrays come from when buffers are not reused (default: new typed arrays): e.g. shared
   * memory, so that another thread gets the result without a copy. The arrays must be zero-filled.
   */
  allocate?: OutputAllocator;
}

/** Makes zero-filled output arrays of the given length. */
export interface OutputAllocator {
  float32(length: number): Float32Array;
  int32(length: number): Int32Array;
}

/**
 * Validates the columns against the Arrow schema and compiles them into a frozen graph.
 * Throws a SpecError naming the column, what is wrong and the fix.
 */
export function compile(columns: readonly FeatureColumn[], schema: Schema, options: CompileOptions = {}): FeatureGraph {
  return new FeatureGraph(planGraph(columns, schema, options));
}

export class FeatureGraph {
  readonly layout: readonly LayoutEntry[];
  private executor: Executor;
  /** Output buffers kept for `reuseBuffers` (the graph itself is frozen; these are not). */
  private readonly buffers = {
    dense: new Float32Array(0),
    sparse: new Map<string, { ids: Int32Array; offsets: Int32Array; weights: Float32Array | null }>(),
  };

  constructor(readonly plan: GraphPlan) {
    this.layout = Object.freeze(plan.dense.map((d) => d.entry));
    this.executor = new Executor(plan.nodes, hasherFor(plan.hash));
    Object.freeze(this);
  }

  get denseWidth(): number {
    return this.plan.denseWidth;
  }

  /** Names of the ragged outputs a transform with these options gives. */
  sparseNames(sparse: TransformOptions['sparse'] = 'default'): string[] {
    return this.sparseOutputs(sparse).map((s) => s.name);
  }

  /** A session for fetching intermediate nodes and feeding overrides (TF's Session.run / partial_run). */
  session(): Session {
    return new Session(this.plan);
  }

  transform(input: Table | RecordBatch, options: TransformOptions = {}): FeatureBatch {
    const batches = input instanceof Table ? input.batches : [input];
    const numRows = batches.reduce((n, b) => n + b.numRows, 0);
    const width = this.plan.denseWidth;
    const reuse = options.reuseBuffers ?? false;
    const allocate = reuse ? null : options.allocate ?? null;
    const dense = reuse ? this.reusedDense(numRows * width) : allocate ? allocate.float32(numRows * width) : new Float32Array(numRows * width);
    const values: NodeValue[] = new Array(this.plan.dense.length);
    const outputs = this.sparseOutputs(options.sparse);
    const collected: RaggedTensor[][] = outputs.map(() => []);
    let rowBase = 0;
    for (const batch of batches) {
      const ctx: RunContext = { batch, rowBase, values: new Array(this.plan.nodes.length) };
      const rows = dense.subarray(rowBase * width, (rowBase + batch.numRows) * width);
      this.plan.dense.forEach(({ writer }, i) => (values[i] = this.executor.evaluate(writer.node, ctx)));
      // Tile by tile, so each tile of the output is written while it sits in cache, not once per column.
      for (let from = 0; from < batch.numRows; from += TILE_ROWS) {
        const to = Math.min(from + TILE_ROWS, batch.numRows);
        if (reuse) rows.fill(0, from * width, to * width);
        this.plan.dense.forEach(({ writer, entry }, i) => writeDense(writer, values[i], from, to, rows, width, entry.offset));
      }
      outputs.forEach((output, i) => {
        const { ragged } = this.executor.evaluate(output.node, ctx) as { ragged: Ragged<Int32Array> };
        collected[i].push(this.copyRagged(ragged, output, reuse && batches.length === 1, batches.length === 1 ? allocate : null));
      });
      rowBase += batch.numRows;
    }
    const sparse: Record<string, RaggedTensor> = {};
    outputs.forEach((output, i) => {
      sparse[output.name] = collected[i].length === 1 ? collected[i][0] : concatRagged(collected[i]);
    });
    return { numRows, dense: { values: dense, shape: [numRows, width], layout: this.layout }, sparse };
  }

  /** The nodes, their inputs and the output layout, as a readable table. */
  describe(): string {
    return describePlan(this.plan);
  }

  private sparseOutputs(sparse: TransformOptions['sparse'] = 'default'): readonly SparseOutput[] {
    if (sparse !== 'default' && sparse !== 'all') throw new Error(`sparse must be 'default' or 'all', got ${JSON.stringify(sparse)}`);
    if (sparse === 'all' && this.plan.sparseNameClashes.length > 0) {
      const names = this.plan.sparseNameClashes.map((n) => `'${n}'`).join(', ');
      throw new Error(`{sparse: 'all'} cannot emit ${names}: different categorical columns share that name; give one of them its own feature key`);
    }
    return this.plan.sparse.filter((s) => sparse === 'all' || !s.onlyForAll);
  }

  private reusedDense(size: number): Float32Array {
    if (this.buffers.dense.length < size) this.buffers.dense = new Float32Array(size);
    return this.buffers.dense.subarray(0, size);
  }

  private copyRagged(ragged: Ragged<Int32Array>, output: SparseOutput, reuse: boolean, allocate: OutputAllocator | null): RaggedTensor {
    const count = ragged.numValues;
    const rows = ragged.numRows;
    let ids: Int32Array;
    let offsets: Int32Array;
    let weights: Float32Array | undefined;
    if (reuse) {
      let buffers = this.buffers.sparse.get(output.name);
      if (!buffers) this.buffers.sparse.set(output.name, (buffers = { ids: new Int32Array(0), offsets: new Int32Array(0), weights: null }));
      if (buffers.ids.length < count) buffers.ids = grow(buffers.ids, count);
      if (buffers.offsets.length < rows + 1) buffers.offsets = grow(buffers.offsets, rows + 1);
      if (ragged.weights && (!buffers.weights || buffers.weights.length < count)) buffers.weights = new Float32Array(count * 2);
      ids = buffers.ids.subarray(0, count);
      offsets = buffers.offsets.subarray(0, rows + 1);
      ids.set(ragged.values.subarray(0, count));
      offsets.set(ragged.rowOffsets.subarray(0, rows + 1));
      if (ragged.weights) (weights = buffers.weights!.subarray(0, count)).set(ragged.weights.subarray(0, count));
    } else if (allocate !== null) {
      (ids = allocate.int32(count)).set(ragged.values.subarray(0, count));
      (offsets = allocate.int32(rows + 1)).set(ragged.rowOffsets.subarray(0, rows + 1));
      if (ragged.weights) (weights = allocate.float32(count)).set(ragged.weights.subarray(0, count));
    } else {
      ids = ragged.values.slice(0, count);
      offsets = ragged.rowOffsets.slice(0, rows + 1);
      if (ragged.weights) weights = ragged.weights.slice(0, count);
    }
    const tensor: RaggedTensor = { ids, offsets, ...(weights ? { weights } : {}), cardinality: output.cardinality, combiner: output.combiner, dimension: output.dimension };
    return output.mayHaveNegativeIds ? pruneNegative(tensor) : tensor;
  }
}

/** Rows per tile of dense output: 2,048 rows of a few dozen floats stay in L2. */
const TILE_ROWS = 2048;

function writeDense(writer: DenseWriter, value: NodeValue, from: number, to: number, dense: Float32Array, stride: number, offset: number): void {
  switch (writer.kind) {
    case 'floats':
      writeFloats((value as { values: Float32Array }).values, from, to, (value as { width: number }).width, dense, stride, offset);
      return;
    case 'one_hot':
      writeOneHot((value as { values: Int32Array }).values, from, to, writer.perRow, writer.depth, dense, stride, offset);
      return;
    case 'counts':
      writeCounts((value as { ragged: Ragged<Int32Array> }).ragged, from, to, writer.depth, dense, stride, offset);
  }
}

function hasNegative(ids: Int32Array): boolean {
  for (let i = 0; i < ids.length; i++) if (ids[i] < 0) return true;
  return false;
}

/**
 * Output id tensors hold only real ids: TF keeps -1 (no id) in its id tensors and every consumer
 * (indicator, embedding, linear) ignores it, so we drop it here once. Compacts in place.
 */
function pruneNegative(t: RaggedTensor): RaggedTensor {
  const { ids, offsets, weights } = t;
  if (!hasNegative(ids)) return t; // the usual case: a scan, no rewrite
  const rows = offsets.length - 1;
  let k = 0;
  let start = 0;
  for (let r = 0; r < rows; r++) {
    const end = offsets[r + 1];
    for (let i = start; i < end; i++) {
      if (ids[i] >= 0) {
        if (weights) weights[k] = weights[i];
        ids[k++] = ids[i];
      }
    }
    start = end;
    offsets[r + 1] = k;
  }
  if (k === ids.length) return t;
  return { ...t, ids: ids.subarray(0, k), ...(weights ? { weights: weights.subarray(0, k) } : {}) };
}
