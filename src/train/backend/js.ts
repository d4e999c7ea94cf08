/**
 * The plain typed-array backend: runs anywhere, allocates nothing per call once its matmul
 * packing buffers (or wasm memory) have grown to the largest shape in use.
 *
 * Its matmul is the WebAssembly SIMD kernel (matmul-wasm.ts, about 10× faster) wherever
 * WebAssembly 128-bit SIMD validates (Node ≥ 16.4, current browsers), else the scalar
 * BlockedMatmul. Either way the backend is named 'js' — it is still the CPU backend that
 * `--backend js` / `createBackend('js')` asks for; `matmulKernel` says which kernel runs.
 */
import type { Activation, Backend, Combiner, SparseIds } from './backend.ts';
import {
  activateBackwardInto, activateInto, addBiasInto, denseBackwardComposed, denseForwardComposed, dropoutInto, softmaxInto, sumColumnsInto,
} from './dense-ops.ts';
import { sigmoidCrossEntropyInto, softmaxCrossEntropyInto } from './losses.ts';
import { BlockedMatmul } from './matmul-blocked.ts';
import { WasmMatmul, wasmSimdSupported } from './matmul-wasm.ts';
import { gatherSumInto, scatterAddInto } from './sparse-ops.ts';

/** Which matmul kernel a JsBackend runs; 'auto' is wasm-simd where it validates, else blocked. */
export type JsMatmulKernel = 'wasm-simd' | 'blocked';

export interface JsBackendOptions {
  /** Default 'auto'. 'wasm-simd' throws where WebAssembly SIMD is unavailable. */
  matmul?: JsMatmulKernel | 'auto';
  /**
   * 2 (the default): the wasm kernel splits big products with a helper thread where there are two cores
   * and shared memory (Node), with the same results bit for bit; 1: this thread only.
   */
  threads?: 1 | 2;
}

export class JsBackend implements Backend {
  readonly name: string = 'js';
  /** The matmul kernel in use. */
  readonly matmulKernel: JsMatmulKernel;
  private readonly kernel: WasmMatmul | BlockedMatmul;
  /** The fused wasm kernels, when the matmul is wasm and not overridden (a subclass's matmul wins). */
  private readonly fused: WasmMatmul | null;
  private dz: Float32Array = new Float32Array(0);

  constructor(options: JsBackendOptions = {}) {
    const wanted = options.matmul ?? 'auto';
    if (wanted === 'wasm-simd' && !wasmSimdSupported()) throw new Error('JsBackend: WebAssembly SIMD is not available here');
    this.matmulKernel = wanted === 'auto' ? (wasmSimdSupported() ? 'wasm-simd' : 'blocked') : wanted;
    this.kernel = this.matmulKernel === 'wasm-simd' ? new WasmMatmul({ threads: options.threads }) : new BlockedMatmul();
    this.fused = this.kernel instanceof WasmMatmul && this.matmul === JsBackend.prototype.matmul ? this.kernel : null;
  }

  /** Products the wasm kernel's helper thread has computed a share of. */
  get helperJobs(): number {
    return this.kernel instanceof WasmMatmul ? this.kernel.helperJobs : 0;
  }

  /** Resolves once the wasm kernel's helper thread takes a share of big products (false: this thread alone). */
  threadsReady(): Promise<boolean> {
    return this.kernel instanceof WasmMatmul ? this.kernel.threadsReady() : Promise.resolve(false);
  }

  matmul(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number,
    transA: boolean, transB: boolean, accumulate: boolean): void {
    this.kernel.run(a, b, c, m, n, k, transA, transB, accumulate);
  }

  addBias(x: Float32Array, bias: Float32Array, rows: number, cols: number): void {
    addBiasInto(x, bias, rows, cols);
  }

  sumColumns(dy: Float32Array, rows: number, cols: number, out: Float32Array): void {
    sumColumnsInto(dy, rows, cols, out);
  }

  activate(kind: Activation, x: Float32Array, y: Float32Array, n: number): void {
    activateInto(kind, x, y, n);
  }

  activateBackward(kind: Activation, y: Float32Array, dy: Float32Array, dx: Float32Array, n: number): void {
    activateBackwardInto(kind, y, dy, dx, n);
  }

  denseForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array, rows: number, n: number,
    k: number, activation: Activation): void {
    if (this.fused !== null) this.fused.denseForward(x, w, bias, y, rows, n, k, activation);
    else denseForwardComposed(this, x, w, bias, y, rows, n, k, activation);
  }

  denseBackward(x: Float32Array, wTail: Float32Array, y: Float32Array, dy: Float32Array,
    kernelGrad: Float32Array | null, biasGrad: Float32Array | null, dx: Float32Array | null,
    rows: number, n: number, k: number, activation: Activation, dxWidth: number): void {
    if (activation !== 'linear' && activation !== 'relu' && this.dz.length < rows * n) this.dz = this.allocate(rows * n);
    if (this.fused !== null) this.fused.denseBackward(x, wTail, y, dy, kernelGrad, biasGrad, dx, rows, n, k, activation, dxWidth, this.dz);
    else {
      if (this.dz.length < rows * n) this.dz = this.allocate(rows * n);
      denseBackwardComposed(this, x, wTail, y, dy, kernelGrad, biasGrad, dx, rows, n, k, activation, dxWidth, this.dz);
    }
  }

  dropout(x: Float32Array, y: Float32Array, mask: Float32Array, n: number, keep: number, state: Uint32Array): void {
    if (this.fused !== null) this.fused.dropoutForward(x, y, mask, n, keep, state);
    else dropoutInto(x, y, mask, n, keep, state);
  }

  softmax(x: Float32Array, rows: number, classes: number, out: Float32Array): void {
    softmaxInto(x, rows, classes, out);
  }

  softmaxCrossEntropy(logits: Float32Array, labels: Int32Array, rows: number, classes: number,
    grad: Float32Array): number {
    return softmaxCrossEntropyInto(logits, labels, rows, classes, grad);
  }

  sigmoidCrossEntropy(logits: Float32Array, labels: Float32Array, n: number, grad: Float32Array): number {
    return sigmoidCrossEntropyInto(logits, labels, n, grad);
  }

  gatherSum(table: Float32Array, width: number, sparse: SparseIds, rows: number, combiner: Combiner,
    out: Float32Array): number {
    return gatherSumInto(table, width, sparse, rows, combiner, out);
  }

  scatterAdd(dOut: Float32Array, width: number, sparse: SparseIds, rows: number, combiner: Combiner,
    grad: Float32Array): void {
    scatterAddInto(dOut, width, sparse, rows, combiner, grad);
  }

  /** In the wasm kernel's memory where it is shared (Node), so the fused ops run without copies. */
  allocate(length: number): Float32Array {
    return this.kernel instanceof WasmMatmul ? this.kernel.allocate(length) : new Float32Array(length);
  }

  adamUpdate(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, n: number, alpha: number, c1: number,
    c2: number, eps: number): boolean {
    return this.kernel instanceof WasmMatmul && this.kernel.adamUpdate(w, g, m, v, n, alpha, c1, c2, eps);
  }

  multiply(a: Float32Array, b: Float32Array, out: Float32Array, n: number): void {
    if (this.kernel instanceof WasmMatmul) this.kernel.multiply(a, b, out, n);
    else for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
  }
}
