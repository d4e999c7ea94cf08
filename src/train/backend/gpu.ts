/**
 * The gpu.js backend: matmul runs as gpu.js kernels on whatever its synchronous auto mode finds
 * (headless-gl on a GL context, else WebAssembly SIMD, else its cpu mode); every other op runs
 * the js kernels.
 *
 * Why only matmul: the Backend contract is host Float32Arrays in and out, so each gpu.js call
 * uploads its inputs and reads its output back. That round trip costs more than a bias add, an
 * activation or a loss over a [256, 100] batch takes on the CPU; only a matmul has O(n³) work
 * to pay for O(n²) traffic. Why synchronous modes only: gpu.js's WebGPU backend has no
 * synchronous readback, and the Backend contract is synchronous so the js backend pays no
 * promise per op. Kernels are compiled once per shape and cached; gpu.js still
 * returns a fresh array per call, which is copied into the caller's buffer.
 *
 * gpu.js is not installed with this package: its optional native `gl` dependency compiles for
 * about four minutes on every clean install, and on a machine without a GPU every gpu.js mode is
 * slower than js. `npm install gpu.js` enables this backend; it is imported lazily, and without
 * it `loadGpuBackend` rejects and `createBackend` (select.ts) falls back to js.
 */
import { JsBackend } from './js.ts';

/** The part of gpu.js this file uses (typed here so the library compiles without gpu.js). */
interface GpuJs {
  createKernel(kernel: (...args: never[]) => number, settings: object): GpuJsKernel;
  destroy(): void;
}
type GpuJsKernel = ((...args: (Float32Array | number)[]) => Float32Array[]) & {
  kernel: { constructor: { name: string } };
};
interface GpuJsModule {
  GPU: new (settings: { mode: string }) => GpuJs;
}

/** gpu.js's view of `this` inside a kernel. */
interface KernelThis {
  thread: { x: number; y: number };
}

/**
 * C[y, x] = Σ_p op(A)[y, p] · op(B)[p, x], with op(A)[i, p] = a[i·ai + p·ap] and
 * op(B)[p, j] = b[p·bp + j·bj], so one kernel source covers all four transpose combinations.
 * gpu.js compiles this function's source text, so it must stay a plain `function`. Exported for
 * bench/device/probe.ts, which drives it in gpu.js's async webgpu mode.
 */
export function matmulKernel(this: KernelThis, a: Float32Array, b: Float32Array, k: number, ai: number, ap: number,
  bp: number, bj: number): number {
  let sum = 0;
  for (let p = 0; p < k; p++) {
    sum += a[this.thread.y * ai + p * ap] * b[p * bp + this.thread.x * bj];
  }
  return sum;
}

/** gpu.js needs an upper bound for loops whose length is an argument (GLSL loops are bounded). */
const MAX_DEPTH = 1 << 20;

export class GpuBackend extends JsBackend {
  override readonly name: string;
  private readonly kernels = new Map<string, GpuJsKernel>();

  constructor(private readonly gpu: GpuJs) {
    super({ matmul: 'blocked' }); // matmul is overridden: the inherited kernel never runs
    const product = new Float32Array(1);
    this.matmul(new Float32Array([2]), new Float32Array([3]), product, 1, 1, 1, false, false, false);
    if (product[0] !== 6) throw new Error(`gpu.js computed 2·3 = ${product[0]}`);
    const kernelClass = this.kernelFor(1, 1, 1).kernel.constructor.name;
    this.name = 'gpu:' + kernelClass.replace(/Kernel$/, '').toLowerCase();
  }

  override matmul(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number,
    transA: boolean, transB: boolean, accumulate: boolean): void {
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!accumulate) c.fill(0, 0, m * n);
      return;
    }
    const kernel = this.kernelFor(m, n, k);
    // Exact-size views: a compiled GL kernel is specialized to its argument sizes.
    const rows = kernel(a.subarray(0, m * k), b.subarray(0, k * n), k,
      transA ? 1 : k, transA ? m : 1, transB ? 1 : n, transB ? k : 1);
    for (let i = 0; i < m; i++) {
      const row = rows[i], o = i * n;
      if (accumulate) for (let j = 0; j < n; j++) c[o + j] += row[j];
      else c.set(row, o);
    }
  }

  /** Frees the GL context or WebAssembly memory behind the kernels. */
  destroy(): void {
    this.gpu.destroy();
  }

  /** One compiled kernel per shape; transposes are only stride arguments. */
  private kernelFor(m: number, n: number, k: number): GpuJsKernel {
    const key = `${m},${n},${k}`;
    let kernel = this.kernels.get(key);
    if (kernel === undefined) {
      kernel = this.gpu.createKernel(matmulKernel as (...args: never[]) => number,
        { output: [n, m], precision: 'single', loopMaxIterations: MAX_DEPTH });
      this.kernels.set(key, kernel);
    }
    return kernel;
  }
}

/** The module specifier sits in a variable so TypeScript does not require gpu.js to be installed. */
const GPU_JS = 'gpu.js';

/** Imports gpu.js and compiles a probe kernel; rejects when gpu.js is missing or cannot run. */
export async function loadGpuBackend(): Promise<GpuBackend> {
  const { GPU } = (await import(GPU_JS)) as GpuJsModule;
  return new GpuBackend(new GPU({ mode: 'gpu' }));
}
