/**
 * A trainable tensor with its gradient. Dense parameters get a full gradient every step; sparse
 * ones (embedding tables, linear per-id weights) record which rows the step touched, and their
 * optimizers update only those rows, then zero their gradient rows (O(touched rows · width),
 * independent of the vocabulary size).
 */

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

export class Parameter {
  readonly grad: Float32Array;
  /** Rows touched since the last update, for sparse parameters; null for dense ones. */
  readonly touched: RowSet | null;

  /**
   * @param name unique within a model, e.g. "dense_1/kernel"
   * @param value [rows, cols] row-major
   * @param sparse whether gradients arrive for a few rows at a time
   * @param trainable frozen parameters are skipped by optimizers
   */
  constructor(readonly name: string, readonly value: Float32Array, readonly rows: number, readonly cols: number,
    sparse = false, public trainable = true) {
    if (value.length !== rows * cols) throw new Error(`parameter ${name}: ${value.length} values for shape [${rows}, ${cols}]`);
    this.grad = new Float32Array(value.length);
    this.touched = sparse ? new RowSet(rows) : null;
  }

  get size(): number {
    return this.value.length;
  }

  get shape(): [number, number] {
    return [this.rows, this.cols];
  }
}
