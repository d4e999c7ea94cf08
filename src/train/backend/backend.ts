/**
 * The compute interface of the training core: a handful of fused ops over row-major Float32Array
 * matrices. Every op writes into buffers the caller owns, so a trainer that allocates its
 * activations and gradients once runs a step without allocating.
 *
 * Conventions shared by all ops:
 * - a matrix `[rows, cols]` is a Float32Array of `rows * cols` values, row by row;
 * - sizes are passed explicitly (buffers may be longer than needed: a trainer sizes them for the
 *   largest batch and reuses them for a short last batch);
 * - inputs are assumed valid (shapes, label ranges): the layer that calls an op checks once,
 *   before its loop, not the op on every element.
 */

/** Elementwise nonlinearities whose derivative can be written from their output alone. */
export type Activation = 'linear' | 'relu' | 'sigmoid' | 'tanh';

/** How a sparse row's looked-up vectors combine (TF `safe_embedding_lookup_sparse`). */
export type Combiner = 'sum' | 'mean' | 'sqrtn';

/**
 * Ragged ids for `rows` rows, CSR style: row `r` holds `ids[offsets[r] .. offsets[r + 1])`, with
 * optional per-id `weights` (default 1). A FeatureBatch's RaggedTensor is one as it stands.
 */
export interface SparseIds {
  ids: Int32Array;
  offsets: Int32Array;
  weights?: Float32Array | null;
}

export interface Backend {
  /** 'js', or 'gpu:<gpu.js mode>' such as 'gpu:webasm' or 'gpu:headlessgl'. */
  readonly name: string;

  /**
   * C[m, n] = op(A) · op(B), or C += op(A) · op(B) when `accumulate`.
   * op(A) is [m, k]: A is stored [m, k], or [k, m] when `transA`.
   * op(B) is [k, n]: B is stored [k, n], or [n, k] when `transB`.
   * Dense layer: forward (X, W) NN; kernel gradient (X, dY) TN; input gradient (dY, W) NT.
   */
  matmul(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number,
    transA: boolean, transB: boolean, accumulate: boolean): void;

  /** x[r, j] += bias[j] for every row, in place. */
  addBias(x: Float32Array, bias: Float32Array, rows: number, cols: number): void;

  /** out[j] = Σ_r dy[r, j] (the bias gradient); overwrites `out`. */
  sumColumns(dy: Float32Array, rows: number, cols: number, out: Float32Array): void;

  /** y[i] = f(x[i]) for i < n; `y` may be `x` (in place). */
  activate(kind: Activation, x: Float32Array, y: Float32Array, n: number): void;

  /**
   * dx[i] = dy[i] · f'(x[i]), written from the activation's OUTPUT `y` (relu: y > 0, sigmoid:
   * y(1 − y), tanh: 1 − y²), so a layer keeps only its outputs; `dx` may be `dy`.
   */
  activateBackward(kind: Activation, y: Float32Array, dy: Float32Array, dx: Float32Array, n: number): void;

  /**
   * A Dense layer's forward in one call: y = f(x·w + bias), x [rows, k], w [k, n], bias [n] or
   * null, y [rows, n]. Same values as matmul, addBias, activate in turn.
   */
  denseForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array, rows: number, n: number,
    k: number, activation: Activation): void;

  /**
   * A Dense layer's backward in one call, from its input x [rows, k], output y [rows, n] and
   * ∂loss/∂y `dy` (not modified): dz = dy·f'(y); kernelGrad = xᵀ·dz [k, n]; biasGrad = Σ_rows dz
   * [n]; dx = dz·wTailᵀ [rows, dxWidth], where wTail holds the last dxWidth rows of the kernel
   * (all k for the whole input gradient). Each of kernelGrad, biasGrad, dx may be null (skipped).
   */
  denseBackward(x: Float32Array, wTail: Float32Array, y: Float32Array, dy: Float32Array,
    kernelGrad: Float32Array | null, biasGrad: Float32Array | null, dx: Float32Array | null,
    rows: number, n: number, k: number, activation: Activation, dxWidth: number): void;

  /**
   * Inverted dropout: mask[i] = scale or 0, y[i] = x[i]·mask[i] (float32) with scale = fround(1/keep), keeping
   * each value when the next draw of the xoshiro128** generator whose four state words are
   * `state` (random.ts; advanced n draws, written back) gives uniform < keep.
   */
  dropout(x: Float32Array, y: Float32Array, mask: Float32Array, n: number, keep: number, state: Uint32Array): void;

  /** Row-wise softmax of `x` [rows, classes] into `out` (prediction path; `out` may be `x`). */
  softmax(x: Float32Array, rows: number, classes: number, out: Float32Array): void;

  /**
   * Mean over rows of −log softmax(logits[r])[labels[r]], computed with log-sum-exp; writes the
   * gradient of that mean with respect to the logits, (softmax − onehot) / rows, into `grad`
   * (`grad` may be `logits`). Labels must lie in [0, classes).
   */
  softmaxCrossEntropy(logits: Float32Array, labels: Int32Array, rows: number, classes: number,
    grad: Float32Array): number;

  /**
   * Mean over the n elements of max(x, 0) − x·z + log(1 + e^−|x|) (the stable form of sigmoid
   * cross-entropy, labels z in [0, 1]); writes its gradient (sigmoid(x) − z) / n into `grad`
   * (`grad` may be `logits`).
   */
  sigmoidCrossEntropy(logits: Float32Array, labels: Float32Array, n: number, grad: Float32Array): number;

  /**
   * out[r] = combine_k w_k · table[ids[k]] over each row's ids, table [tableRows, width], out
   * [rows, width], as TF's safe_embedding_lookup_sparse: ids < 0 are dropped, entries with
   * w ≤ 0 are dropped unless the combiner is 'sum', an empty row gives zeros; 'mean' divides
   * by Σw, 'sqrtn' by √Σw². `tableRows` is table.length / width. Returns −1, or the first row
   * holding an id ≥ tableRows (output from that row on is meaningless; the caller raises the error).
   */
  gatherSum(table: Float32Array, width: number, sparse: SparseIds, rows: number, combiner: Combiner,
    out: Float32Array): number;

  /**
   * The transpose of `gatherSum`: grad[ids[k]] += (w_k / norm_r) · dOut[r], with the same pruning
   * and norms. Only rows of `grad` that some id touches are read or written, so an embedding
   * gradient costs O(ids · width), not O(vocabulary · width). Ids must be valid (as checked
   * by the forward `gatherSum`).
   */
  scatterAdd(dOut: Float32Array, width: number, sparse: SparseIds, rows: number, combiner: Combiner,
    grad: Float32Array): void;

  /**
   * Optional: a zeroed Float32Array of `length` floats that this backend's kernels use in place
   * (the js backend places it in its WebAssembly memory, so its ops pass it by address instead of
   * copying it in and out). Layers take their activation and gradient buffers from here, once,
   * and reuse them. Without it, buffers are plain `new Float32Array(length)`.
   */
  allocate?(length: number): Float32Array;

  /** Optional: out[i] = a[i]·b[i] in float32 for i < n (dropout's backward); `out` may be `a` or `b`. */
  multiply?(a: Float32Array, b: Float32Array, out: Float32Array, n: number): void;

  /**
   * Optional: Adam's dense update of w[0..n) (optimizers/adam.ts: m, v and w from g, with the step's
   * α and c1 = 1 − β1, c2 = 1 − β2, ε), bit for bit as the JS loop. Returns false, doing nothing,
   * when it cannot run on these arrays (the js backend: unless all four came from `allocate`).
   */
  adamUpdate?(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, n: number, alpha: number, c1: number,
    c2: number, eps: number): boolean;
}

/*
 * No elementwise optimizer ops (axpy and the like) here, on purpose: each optimizer (SGD, Adagrad,
 * Adam, FTRL) is one fused loop of its own that a generic axpy would split into several passes, and
 * sending a parameter to a device and back costs more than updating it where it is. Optimizers are
 * plain JS loops, except Adam's dense update, which runs where a parameter lives (`adamUpdate`) when
 * its backend placed it (a Parameter built while a model's backend was known: parameter.ts).
 */
