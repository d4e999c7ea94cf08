/**
 * A trainable tensor with its gradient. Dense parameters get a full gradient every step; sparse
 * ones (embedding tables, linear per-id weights) record which rows the step touched, and their
 * optimizers update only those rows, then zero their gradient rows (O(touched rows · width),
 * independent of the vocabulary size).
 */
import type { Backend } from './backend/backend.ts';

/** The set of rows a step touched: a list for iteration plus a mark per row for O(1) membership. */
export class RowSet {
  readonly rows: Int32Array;
  count = 0;
  private readonly marked: Uint8Array;

  constructor(numRows: number) {
    this.rows = new Int32Array(numRows);
    this.marked = new Uint8Array(numRows);
  }

  add(row: number): void {
    if (this.marked[row] === 0) {
      this.marked[row] = 1;
      this.rows[this.count++] = row;
    }
  }

  has(row: number): boolean {
    return this.marked[row] === 1;
  }

  clear(): void {
    for (let i = 0; i < this.count; i++) this.marked[this.rows[i]] = 0;
    this.count = 0;
  }
}

/** The backend whose memory dense parameters built now are placed in (see `withParameterBackend`). */
let ambientBackend: Backend | null = null;

/**
 * Runs `build` with dense parameters created inside it placed where `backend` computes
 * (`Backend.allocate`: the js backend's WebAssembly memory), with their gradients and optimizer
 * slots, so its kernels and Adam's update use them in place. A model builds its layers this way
 * once its backend is known. Sparse parameters (embedding tables, per-id weights) stay plain arrays.
 */
export function withParameterBackend<T>(backend: Backend | null, build: () => T): T {
  const previous = ambientBackend;
  ambientBackend = backend?.allocate === undefined ? null : backend;
  try {
    return build();
  } finally {
    ambientBackend = previous;
  }
}

export class Parameter {
  readonly value: Float32Array;
  readonly grad: Float32Array;
  /** Rows touched since the last update, for sparse parameters; null for dense ones. */
  readonly touched: RowSet | null;
  /** The backend this parameter was placed in (withParameterBackend), or null for plain arrays. */
  readonly backend: Backend | null;

  /**
   * @param name unique within a model, e.g. "dense_1/kernel"
   * @param value [rows, cols] row-major
   * @param sparse whether gradients arrive for a few rows at a time
   * @param trainable frozen parameters are skipped by optimizers
   */
  constructor(readonly name: string, value: Float32Array, readonly rows: number, readonly cols: number,
    sparse = false, public trainable = true) {
    if (value.length !== rows * cols) throw new Error(`parameter ${name}: ${value.length} values for shape [${rows}, ${cols}]`);
    this.backend = sparse ? null : ambientBackend;
    if (this.backend !== null) {
      this.value = this.allocate(value.length);
      this.value.set(value);
    } else {
      this.value = value;
    }
    this.grad = this.allocate(value.length);
    this.touched = sparse ? new RowSet(rows) : null;
  }

  /** A zeroed array of `length` floats where this parameter lives (for gradients and optimizer slots). */
  allocate(length: number): Float32Array {
    return this.backend?.allocate !== undefined ? this.backend.allocate(length) : new Float32Array(length);
  }

  get size(): number {
    return this.value.length;
  }

  get shape(): [number, number] {
    return [this.rows, this.cols];
  }
}
