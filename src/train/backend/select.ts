/**
 * Picks a compute backend: `js` always works; `gpu` needs the optional gpu.js package; `auto`
 * times one short matmul on each backend that loads and keeps the faster.
 */
import type { Backend } from './backend.ts';
import { GpuBackend, loadGpuBackend } from './gpu.ts';
import { JsBackend } from './js.ts';

export type BackendKind = 'js' | 'gpu' | 'auto';

/** The backend chosen and one line saying why, for the CLI or a log to print. */
export interface BackendChoice {
  backend: Backend;
  reason: string;
}

/** Every backend that loads here: js first, then gpu when gpu.js is installed and runs. */
export async function availableBackends(): Promise<Backend[]> {
  const gpu = await tryLoadGpu();
  return typeof gpu === 'string' ? [new JsBackend()] : [new JsBackend(), gpu];
}

/** Settings of the backend created. */
export interface BackendOptions {
  /** Threads of the js backend's wasm kernel: 2 (default, where there are two cores) or 1. */
  threads?: 1 | 2;
}

/**
 * @example
 * const { backend, reason } = await createBackend('auto');
 * console.error(reason); // "auto: js 2.41 GFLOP/s, gpu:webassembly 0.77 GFLOP/s; using js"
 */
export async function createBackend(kind: BackendKind, options: BackendOptions = {}): Promise<BackendChoice> {
  const threads = options.threads === 1 ? ' (1 thread)' : '';
  if (kind === 'js') return { backend: new JsBackend(options), reason: `js: requested${threads}` };
  const gpu = await tryLoadGpu();
  if (typeof gpu === 'string') return { backend: new JsBackend(options), reason: `${kind}: gpu unavailable (${gpu}); using js${threads}` };
  if (kind === 'gpu') return { backend: gpu, reason: `gpu: using ${gpu.name}` };
  const js = new JsBackend(options);
  const jsSpeed = measureMatmulGflops(js), gpuSpeed = measureMatmulGflops(gpu);
  const winner = gpuSpeed > jsSpeed ? gpu : js;
  if (winner === js) gpu.destroy();
  const reason = `auto: js ${jsSpeed.toFixed(2)} GFLOP/s, ${gpu.name} ${gpuSpeed.toFixed(2)} GFLOP/s; using ${winner.name}${winner === js ? threads : ''}`;
  return { backend: winner, reason };
}

/**
 * Best-of-5 GFLOP/s of op(A)·op(B) at one shape, after a warm-up call (which also compiles a
 * gpu kernel). The default is a hidden layer of width 100 at batch 256, the size auto decides on.
 */
export function measureMatmulGflops(backend: Backend, m = 256, n = 100, k = 100, transA = false,
  transB = false, repeats = 5): number {
  const a = new Float32Array(m * k).fill(0.5), b = new Float32Array(k * n).fill(0.25), c = new Float32Array(m * n);
  backend.matmul(a, b, c, m, n, k, transA, transB, false);
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    backend.matmul(a, b, c, m, n, k, transA, transB, false);
    best = Math.min(best, performance.now() - start);
  }
  return (2 * m * n * k) / (Math.max(best, 1e-3) * 1e6);
}

/** The gpu backend, or why it cannot load. */
async function tryLoadGpu(): Promise<GpuBackend | string> {
  try {
    return await loadGpuBackend();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND') return 'gpu.js is not installed: npm install gpu.js';
    return `gpu.js failed to start: ${(error as Error).message}`;
  }
}
