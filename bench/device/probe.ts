/**
 * Device probe: what the machine offers gpu.js, and how fast each gpu.js mode and our js backend
 * run the matrix products of training. Built into one ESM file by bench/device/build.sh (gpu.js,
 * gl and webgpu stay external and travel in .device/node_modules) and run by bench/device/run.sh;
 * see bench/device/README.md.
 *
 * Output: one JSON object per line on stdout, and $OUT/probe.json (rewritten after every phase, so
 * a run cut short still leaves what it measured).
 *
 * Layout: the parent records the environment, times the js backend in-process (its outputs are the
 * reference every other mode is compared against) and runs every gpu.js mode in a child process of
 * its own (`--child <mode>`), so a native crash, a hang or a leaked GL/WebGPU context costs one
 * entry, not the run. The child of the 'headlessgl' mode runs under xvfb-run when there is one.
 * Everything is held to one time budget (PROBE_BUDGET_S, default 200 s).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GpuBackend, matmulKernel } from '../../src/train/backend/gpu.ts';
import { JsBackend } from '../../src/train/backend/js.ts';
import { createBackend } from '../../src/train/backend/select.ts';

const PROBE_VERSION = 1;
const SELF = fileURLToPath(import.meta.url);
/** Printed before every JSON line a child sends its parent (gpu.js and ANGLE print too). */
const TAG = '@@PROBE ';

// ---------------------------------------------------------------------------------------------
// Workloads
// ---------------------------------------------------------------------------------------------

/** One C = op(A)·op(B) in the Backend.matmul convention. */
interface MatmulSpec {
  label: string;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}

const LAYER_WIDTHS = [43, 100, 75, 50, 25, 1];
const BATCH = 256;
const BIG = 2048;
const MEDIUM = 512;

/**
 * The 14 products of one training step of the MLP 43→100→75→50→25→1 at batch 256: forward
 * Y = X·W per layer, then backward per layer from the last: dW = Xᵀ·dY and dX = dY·Wᵀ (no dX for
 * the first layer, whose input is the features).
 */
function stepSpecs(): MatmulSpec[] {
  const w = LAYER_WIDTHS, specs: MatmulSpec[] = [];
  for (let l = 0; l < w.length - 1; l++) {
    specs.push({ label: `fwd${l + 1} X·W`, m: BATCH, n: w[l + 1], k: w[l], transA: false, transB: false });
  }
  for (let l = w.length - 2; l >= 0; l--) {
    specs.push({ label: `dW${l + 1} Xᵀ·dY`, m: w[l], n: w[l + 1], k: BATCH, transA: true, transB: false });
    if (l > 0) specs.push({ label: `dX${l + 1} dY·Wᵀ`, m: BATCH, n: w[l], k: w[l + 1], transA: false, transB: true });
  }
  return specs;
}

function flopsOf(spec: { m: number; n: number; k: number }): number {
  return 2 * spec.m * spec.n * spec.k;
}

/** Deterministic inputs in [-1, 1) (mulberry32), so parent and children build the same operands. */
function randomMatrix(length: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

interface Operands {
  spec: MatmulSpec;
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
}

function operandsFor(spec: MatmulSpec, seed: number): Operands {
  return {
    spec,
    a: randomMatrix(spec.m * spec.k, seed * 2 + 1),
    b: randomMatrix(spec.k * spec.n, seed * 2 + 2),
    c: new Float32Array(spec.m * spec.n),
  };
}

function squareSpec(size: number): MatmulSpec {
  return { label: `${size}x${size}x${size} A·B`, m: size, n: size, k: size, transA: false, transB: false };
}

// ---------------------------------------------------------------------------------------------
// Runners: one interface over our Backend (sync) and gpu.js's webgpu kernels (async)
// ---------------------------------------------------------------------------------------------

interface Runner {
  name: string;
  matmul(o: Operands): void | Promise<void>;
}

function backendRunner(backend: { name: string; matmul: JsBackend['matmul'] }): Runner {
  return {
    name: backend.name,
    matmul: ({ spec, a, b, c }) => backend.matmul(a, b, c, spec.m, spec.n, spec.k, spec.transA, spec.transB, false),
  };
}

type AsyncKernel = ((...args: (Float32Array | number)[]) => Promise<Float32Array[] | Float32Array>) & {
  kernel?: { constructor: { name: string } };
};
interface GpuJsInstance {
  createKernel(kernel: (...args: never[]) => number, settings: object): AsyncKernel;
  destroy(): void | Promise<void>;
}
interface GpuJsModule {
  GPU: (new (settings: { mode: string }) => GpuJsInstance) & {
    isHeadlessGLSupported?: boolean;
    isWebAssemblySupported?: boolean;
    isWebGPUSupported?: boolean;
  };
  WebGPUContext?: { destroy(): Promise<void> };
}

/** gpu.js webgpu kernels, awaited one at a time as a trainer would (each result feeds the next op). */
function webgpuRunner(gpu: GpuJsInstance): Runner {
  const kernels = new Map<string, AsyncKernel>();
  return {
    name: 'gpu.js:webgpu',
    async matmul({ spec, a, b, c }) {
      const { m, n, k, transA, transB } = spec;
      const key = `${m},${n},${k}`;
      let kernel = kernels.get(key);
      if (kernel === undefined) {
        kernel = gpu.createKernel(matmulKernel as (...args: never[]) => number,
          { output: [n, m], precision: 'single', loopMaxIterations: 1 << 20 });
        kernels.set(key, kernel);
      }
      const result = await kernel(a.subarray(0, m * k), b.subarray(0, k * n), k,
        transA ? 1 : k, transA ? m : 1, transB ? 1 : n, transB ? k : 1);
      copyRows(result, c, m, n);
    },
  };
}

function copyRows(result: Float32Array[] | Float32Array, c: Float32Array, m: number, n: number): void {
  if (result instanceof Float32Array) {
    c.set(result.subarray(0, m * n));
    return;
  }
  for (let i = 0; i < m; i++) c.set(result[i].subarray(0, n), i * n);
}

// ---------------------------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------------------------

function median(values: number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

function round(x: number, digits = 4): number {
  return Number.isFinite(x) ? Number(x.toPrecision(digits)) : x;
}

/** Max |x − ref| and max |ref| over the first `length` values; null without a reference. */
function compare(out: Float32Array, ref: Float32Array | null): { maxAbsDiff: number | null; maxAbsRef: number | null } {
  if (ref === null || ref.length < out.length) return { maxAbsDiff: null, maxAbsRef: null };
  let diff = 0, mag = 0;
  for (let i = 0; i < out.length; i++) {
    const d = Math.abs(out[i] - ref[i]);
    if (!(d <= diff)) diff = d; // NaN counts as a difference
    const r = Math.abs(ref[i]);
    if (r > mag) mag = r;
  }
  return { maxAbsDiff: diff, maxAbsRef: mag };
}

interface Refs {
  step: (Float32Array | null)[];
  square: Map<number, Float32Array | null>;
}

interface Deadline {
  /** Epoch ms by which this process must be done. */
  at: number;
}

function msLeft(d: Deadline): number {
  return d.at - Date.now();
}

/** The 14 products of one step, timed as a whole and one by one; median over repeats after warm-up. */
async function measureStep(runner: Runner, refs: Refs | null, deadline: Deadline, maxSeconds = 4):
  Promise<{ result: Record<string, unknown>; outputs: Float32Array[] }> {
  const ops = stepSpecs().map((spec, i) => operandsFor(spec, 100 + i));
  const stepFlops = ops.reduce((sum, o) => sum + flopsOf(o.spec), 0);
  const runOnce = async (perOp: number[][] | null): Promise<number> => {
    const start = performance.now();
    for (let i = 0; i < ops.length; i++) {
      const t0 = performance.now();
      await runner.matmul(ops[i]);
      if (perOp) perOp[i].push(performance.now() - t0);
    }
    return performance.now() - start;
  };
  const firstStepMs = await runOnce(null); // compiles one kernel per shape on gpu.js modes
  const secondStepMs = await runOnce(null);
  const perOp: number[][] = ops.map(() => []);
  const totals: number[] = [];
  const started = performance.now();
  while (totals.length < 30 && (totals.length < 3 || performance.now() - started < maxSeconds * 1000)) {
    if (totals.length >= 1 && msLeft(deadline) < 2 * median(totals) + 500) break;
    totals.push(await runOnce(perOp));
  }
  const stepMs = median(totals);
  let worst = { maxAbsDiff: 0 as number | null, maxAbsRef: 0 as number | null, label: '' };
  if (refs === null) worst = { maxAbsDiff: null, maxAbsRef: null, label: '' };
  else {
    for (let i = 0; i < ops.length; i++) {
      const cmp = compare(ops[i].c, refs.step[i] ?? null);
      if (cmp.maxAbsDiff === null) { worst = { ...cmp, label: ops[i].spec.label }; break; }
      if (!(cmp.maxAbsDiff <= (worst.maxAbsDiff as number))) worst = { ...cmp, label: ops[i].spec.label };
      if ((cmp.maxAbsRef as number) > (worst.maxAbsRef as number)) worst.maxAbsRef = cmp.maxAbsRef;
    }
  }
  return {
    outputs: ops.map((o) => o.c),
    result: {
      matmuls: ops.length,
      mflopPerStep: round(stepFlops / 1e6),
      runs: totals.length,
      stepMsMedian: round(stepMs),
      stepMsMin: round(Math.min(...totals)),
      gflops: round(stepFlops / (stepMs * 1e6)),
      firstStepMs: round(firstStepMs),
      secondStepMs: round(secondStepMs),
      maxAbsDiffVsJs: worst.maxAbsDiff === null ? null : round(worst.maxAbsDiff, 3),
      worstMatmul: worst.label || undefined,
      maxAbsRef: worst.maxAbsRef === null ? null : round(worst.maxAbsRef, 3),
      perMatmul: ops.map((o, i) => ({
        label: o.spec.label,
        shape: `${o.spec.m}x${o.spec.n}x${o.spec.k}${o.spec.transA ? ' transA' : ''}${o.spec.transB ? ' transB' : ''}`,
        msMedian: round(median(perOp[i])),
        gflops: round(flopsOf(o.spec) / (median(perOp[i]) * 1e6)),
      })),
    },
  };
}

/**
 * One size×size×size product: a first run (compiles on gpu.js modes, and is the reference on js),
 * then up to `maxRuns` timed runs within `maxSeconds`. `estimateMs` (from the 512 product, ×64)
 * decides whether it fits in what is left of the budget at all.
 */
async function measureSquare(runner: Runner, size: number, refs: Refs | null, deadline: Deadline,
  opts: { maxRuns: number; maxSeconds: number; estimateMs?: number }): Promise<{ result: Record<string, unknown>; output: Float32Array | null }> {
  const spec = squareSpec(size);
  // ×2.5: the 512 → 2048 scaling measured 1.5–2× worse than n³ on the cache-bound CPU modes
  if (opts.estimateMs !== undefined && opts.estimateMs * 2.5 + 1000 > msLeft(deadline)) {
    return {
      output: null,
      result: { size, skipped: `estimated ${Math.round(opts.estimateMs)} ms per run; ${Math.max(0, Math.round(msLeft(deadline)))} ms of budget left` },
    };
  }
  const ops = operandsFor(spec, 1000 + size);
  const t0 = performance.now();
  await runner.matmul(ops);
  const firstMs = performance.now() - t0;
  const cmp = compare(ops.c, refs?.square.get(size) ?? null);
  const times: number[] = [];
  const started = performance.now();
  while (times.length < opts.maxRuns) {
    const typical = times.length ? median(times) : firstMs;
    if (times.length >= 1 && performance.now() - started + typical > opts.maxSeconds * 1000) break;
    if (typical + 500 > msLeft(deadline)) break;
    const s = performance.now();
    await runner.matmul(ops);
    times.push(performance.now() - s);
  }
  const ms = times.length ? median(times) : firstMs;
  return {
    output: ops.c,
    result: {
      size,
      runs: times.length,
      msMedian: round(ms),
      gflops: round(flopsOf(spec) / (ms * 1e6)),
      firstMs: round(firstMs),
      note: times.length ? undefined : 'only the first run fitted the budget: includes warm-up/compile',
      maxAbsDiffVsJs: cmp.maxAbsDiff === null ? null : round(cmp.maxAbsDiff, 3),
      maxAbsRef: cmp.maxAbsRef === null ? null : round(cmp.maxAbsRef, 3),
    },
  };
}

/** Step, 512³ and, when it fits, 2048³ on one runner; `emit` receives each result as it lands. */
async function measureAll(runner: Runner, refs: Refs | null, deadline: Deadline,
  emit: (kind: string, data: Record<string, unknown>) => void, keepOutputs: boolean,
  bigCaps = { maxRuns: 5, maxSeconds: 25 }, onBegin?: (phase: string) => void): Promise<{ step: Float32Array[] | null; square: Map<number, Float32Array | null> }> {
  const kept = { step: null as Float32Array[] | null, square: new Map<number, Float32Array | null>() };
  let mediumMs: number | undefined;
  const phases: [string, () => Promise<void>][] = [
    ['step', async () => {
      const { result, outputs } = await measureStep(runner, refs, deadline);
      if (keepOutputs) kept.step = outputs;
      emit('step', result);
    }],
    [`square${MEDIUM}`, async () => {
      const { result, output } = await measureSquare(runner, MEDIUM, refs, deadline, { maxRuns: 7, maxSeconds: 4 });
      mediumMs = result.msMedian as number | undefined;
      if (keepOutputs) kept.square.set(MEDIUM, output);
      emit(`square${MEDIUM}`, result);
    }],
    [`square${BIG}`, async () => {
      const estimateMs = mediumMs === undefined ? undefined : mediumMs * (BIG / MEDIUM) ** 3;
      const { result, output } = await measureSquare(runner, BIG, refs, deadline, { ...bigCaps, estimateMs });
      if (keepOutputs) kept.square.set(BIG, output);
      emit(`square${BIG}`, result);
    }],
  ];
  for (const [phase, run] of phases) {
    onBegin?.(phase);
    if (msLeft(deadline) < 1000) {
      emit(phase, { skipped: 'time budget spent' });
      continue;
    }
    try {
      await run();
    } catch (error) {
      emit(phase, { error: errorText(error) });
    }
  }
  return kept;
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return (code ? `[${code}] ` : '') + error.message.split('\n').slice(0, 6).join(' | ').slice(0, 1500);
  }
  return String(error).slice(0, 1500);
}

// ---------------------------------------------------------------------------------------------
// Reference outputs, shared with the children through files
// ---------------------------------------------------------------------------------------------

function writeRefs(dir: string, step: Float32Array[] | null, square: Map<number, Float32Array | null>): void {
  fs.mkdirSync(dir, { recursive: true });
  step?.forEach((out, i) => fs.writeFileSync(path.join(dir, `step-${i}.f32`), Buffer.from(out.buffer, out.byteOffset, out.byteLength)));
  for (const [size, out] of square) {
    if (out) fs.writeFileSync(path.join(dir, `square-${size}.f32`), Buffer.from(out.buffer, out.byteOffset, out.byteLength));
  }
}

function readRef(file: string): Float32Array | null {
  try {
    const buf = fs.readFileSync(file);
    return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  } catch {
    return null;
  }
}

function readRefs(dir: string): Refs {
  return {
    step: stepSpecs().map((_, i) => readRef(path.join(dir, `step-${i}.f32`))),
    square: new Map([MEDIUM, BIG].map((s) => [s, readRef(path.join(dir, `square-${s}.f32`))])),
  };
}

// ---------------------------------------------------------------------------------------------
// Child: one gpu.js mode
// ---------------------------------------------------------------------------------------------

const GPU_JS = 'gpu.js';
const GL = 'gl';
const WEBGPU = 'webgpu';

/** GL, Vulkan and driver libraries this process has mapped: says whether GLX/Vulkan reached the NVIDIA
 * driver (libGLX_nvidia, libnvidia-glcore) or a software path (swrast_dri, llvmpipe, lavapipe). */
function mappedGraphicsLibs(): string[] {
  const text = readText('/proc/self/maps', 1 << 22) ?? '';
  const libs = new Set<string>();
  for (const line of text.split('\n')) {
    const file = line.split(/\s+/)[5];
    if (file && /(GL|EGL|nvidia|vulkan|_dri|mesa|llvm|lvp|swiftshader|libX11|libxcb)/i.test(path.basename(file))) libs.add(file);
  }
  return [...libs];
}

/** 'nvidia', 'software (…)' or 'unknown', from the libraries a GL or Vulkan context mapped. */
function classifyLibs(libs: string[]): string {
  const names = libs.map((l) => path.basename(l)).join(' ');
  if (/nvidia/i.test(names)) return 'nvidia';
  if (/swrast|llvmpipe|libLLVM|lvp|lavapipe|swiftshader/i.test(names)) return `software (${names.match(/swrast_dri|libvulkan_lvp|swiftshader\w*|libLLVM[\w.-]*/gi)?.join(', ')})`;
  return 'unknown';
}

function send(event: string, data: Record<string, unknown>): void {
  process.stdout.write(TAG + JSON.stringify({ event, ...data }) + '\n');
}

/** The gpu.js mode name for each probe mode. */
const GPUJS_MODE: Record<string, string> = { webgpu: 'webgpu', headlessgl: 'headlessgl', webassembly: 'webasm', cpu: 'cpu' };

async function runChild(mode: string, refsDir: string, deadlineAt: number): Promise<void> {
  const deadline = { at: deadlineAt };
  const refs = readRefs(refsDir);
  const emit = (kind: string, data: Record<string, unknown>) => send(kind, data);
  if (mode === 'select') {
    const t0 = performance.now();
    const { backend, reason } = await createBackend('auto');
    send('loaded', { backend: backend.name, reason, loadMs: round(performance.now() - t0) });
    return;
  }
  const t0 = performance.now();
  let gpuJs: GpuJsModule;
  try {
    const mod = (await import(GPU_JS)) as GpuJsModule & { default?: GpuJsModule };
    gpuJs = mod.GPU ? mod : (mod.default as GpuJsModule);
  } catch (error) {
    send('error', { phase: 'import gpu.js', error: errorText(error) });
    return;
  }
  send('info', {
    gpujsImportMs: round(performance.now() - t0),
    isHeadlessGLSupported: gpuJs.GPU.isHeadlessGLSupported,
    isWebAssemblySupported: gpuJs.GPU.isWebAssemblySupported,
  });

  let runner: Runner;
  if (mode === 'webgpu') {
    const setup = await setupWebGpu(gpuJs);
    if (setup === null) return;
    runner = setup;
  } else {
    if (mode === 'headlessgl') await glInfo();
    const t1 = performance.now();
    try {
      const backend = new GpuBackend(new gpuJs.GPU({ mode: GPUJS_MODE[mode] }) as never);
      send('loaded', { backend: backend.name, loadMs: round(performance.now() - t1) });
      runner = backendRunner(backend);
    } catch (error) {
      send('error', { phase: `new GpuBackend(new GPU({ mode: '${GPUJS_MODE[mode]}' }))`, error: errorText(error) });
      return;
    }
  }
  await measureAll(runner, refs, deadline, emit, false, { maxRuns: 5, maxSeconds: 15 },
    (phase) => send('begin', { phase }));
}

/** GL strings of a 1×1 headless-gl context: says whether ANGLE reached the GPU or llvmpipe. */
async function glInfo(): Promise<void> {
  try {
    const mod = (await import(GL)) as { default?: unknown };
    const createContext = (mod.default ?? mod) as (w: number, h: number, o?: object) => WebGLLike | null;
    const gl = createContext(1, 1);
    if (!gl) {
      send('glinfo', {
        error: `require("gl")(1, 1) returned null: no GL context (headless-gl's ANGLE has only a GLX backend: it needs an X server; DISPLAY=${process.env.DISPLAY ?? 'unset'})`,
        mappedLibs: mappedGraphicsLibs(),
      });
      return;
    }
    const ext = gl.getExtension('WEBGL_debug_renderer_info') as { UNMASKED_VENDOR_WEBGL: number; UNMASKED_RENDERER_WEBGL: number } | null;
    const extensions = gl.getSupportedExtensions() ?? [];
    send('glinfo', {
      vendor: gl.getParameter(gl.VENDOR),
      renderer: gl.getParameter(gl.RENDERER),
      version: gl.getParameter(gl.VERSION),
      unmaskedVendor: ext ? gl.getParameter(ext.UNMASKED_VENDOR_WEBGL) : null,
      unmaskedRenderer: ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : null,
      maxTextureSize: gl.getParameter(gl.MAX_TEXTURE_SIZE),
      floatTextures: extensions.includes('OES_texture_float'),
      display: process.env.DISPLAY ?? null,
      driver: classifyLibs(mappedGraphicsLibs()),
      mappedLibs: mappedGraphicsLibs(),
    });
    (gl.getExtension('STACKGL_destroy_context') as { destroy(): void } | null)?.destroy();
  } catch (error) {
    send('glinfo', { error: errorText(error) });
  }
}

interface WebGLLike {
  VENDOR: number;
  RENDERER: number;
  VERSION: number;
  MAX_TEXTURE_SIZE: number;
  getParameter(p: number): unknown;
  getExtension(name: string): unknown;
  getSupportedExtensions(): string[] | null;
}

interface AdapterLike {
  info?: Record<string, unknown>;
  limits?: Record<string, number>;
  features?: Set<string>;
}

/**
 * Wires the Node `webgpu` package (Dawn) in as navigator.gpu, which is all gpu.js 2.24's webgpu
 * mode looks for, and reports the adapter. Tries Dawn's default backend, then Vulkan by name.
 */
async function setupWebGpu(gpuJs: GpuJsModule): Promise<Runner | null> {
  let dawn: { create(flags: string[]): { requestAdapter(o?: object): Promise<AdapterLike | null> }; globals: object };
  const t0 = performance.now();
  try {
    dawn = (await import(WEBGPU)) as typeof dawn;
  } catch (error) {
    send('error', { phase: 'import webgpu (dawn.node)', error: errorText(error) });
    return null;
  }
  send('info', { dawnImportMs: round(performance.now() - t0) });
  Object.assign(globalThis, dawn.globals);
  const attempts: Record<string, unknown>[] = [];
  for (const flags of [[], ['backend=vulkan']]) {
    try {
      const gpu = dawn.create(flags);
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!adapter) {
        attempts.push({ flags, adapter: null, mappedLibs: mappedGraphicsLibs() });
        continue;
      }
      const info: Record<string, unknown> = {};
      for (const key of ['vendor', 'architecture', 'device', 'description', 'subgroupMinSize', 'subgroupMaxSize', 'isFallbackAdapter']) {
        const value = adapter.info?.[key];
        if (value !== undefined && value !== '') info[key] = value;
      }
      const limits: Record<string, number> = {};
      for (const key of ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup']) {
        if (adapter.limits?.[key] !== undefined) limits[key] = adapter.limits[key];
      }
      attempts.push({ flags, info, limits, features: adapter.features ? [...adapter.features].length : undefined,
        driver: classifyLibs(mappedGraphicsLibs()), mappedLibs: mappedGraphicsLibs() });
      send('adapter', { attempts });
      Object.defineProperty(globalThis, 'navigator', {
        value: { gpu, hardwareConcurrency: os.cpus().length }, configurable: true, writable: true,
      });
      const t1 = performance.now();
      const instance = new gpuJs.GPU({ mode: 'webgpu' });
      const runner = webgpuRunner(instance);
      // 2·3: the same sanity check GpuBackend's constructor makes
      const probe: Operands = { spec: { label: '1x1x1', m: 1, n: 1, k: 1, transA: false, transB: false },
        a: new Float32Array([2]), b: new Float32Array([3]), c: new Float32Array(1) };
      await runner.matmul(probe);
      if (probe.c[0] !== 6) throw new Error(`gpu.js webgpu computed 2·3 = ${probe.c[0]}`);
      send('loaded', { backend: 'gpu:webgpu', loadMs: round(performance.now() - t1) });
      return runner;
    } catch (error) {
      attempts.push({ flags, error: errorText(error) });
    }
  }
  send('error', { phase: 'webgpu adapter / first kernel', error: 'no usable WebGPU adapter', attempts });
  return null;
}

// ---------------------------------------------------------------------------------------------
// Parent: environment, js, then one child per gpu.js mode
// ---------------------------------------------------------------------------------------------

function sh(cmd: string, args: string[], timeoutMs = 5000, env?: NodeJS.ProcessEnv): { ok: boolean; out: string; error?: string } {
  try {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, env: env ?? process.env });
    if (r.error) return { ok: false, out: '', error: errorText(r.error) };
    const out = ((r.stdout ?? '') + (r.stderr ? (r.stdout ? '\n' : '') + r.stderr : '')).trim();
    return { ok: r.status === 0, out: out.slice(0, 4000), error: r.status === 0 ? undefined : `exit ${r.status ?? r.signal}` };
  } catch (error) {
    return { ok: false, out: '', error: errorText(error) };
  }
}

function which(name: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':')) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch { /* not here */ }
  }
  return null;
}

const LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib64', '/lib64', '/usr/lib', '/lib',
  '/usr/local/lib', '/usr/local/nvidia/lib64', '/usr/local/nvidia/lib', '/usr/lib/wsl/lib', '/usr/local/cuda/lib64',
  '/usr/local/cuda/compat'];

function ldconfigEntries(): Map<string, string[]> {
  const entries = new Map<string, string[]>();
  const ldconfig = which('ldconfig') ?? (fs.existsSync('/sbin/ldconfig') ? '/sbin/ldconfig' : null);
  if (!ldconfig) return entries;
  const r = sh(ldconfig, ['-p'], 5000);
  for (const line of r.out.split('\n')) {
    const m = /^\s*(\S+)\s.*=>\s*(\S+)\s*$/.exec(line);
    if (m) entries.set(m[1], [...(entries.get(m[1]) ?? []), m[2]]);
  }
  return entries;
}

/** Where a shared library is: ldconfig's cache, LD_LIBRARY_PATH, and the usual folders. */
function findLib(name: string, cache: Map<string, string[]>): string[] {
  const found = new Set<string>(cache.get(name) ?? []);
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...LIB_DIRS];
  for (const dir of dirs) {
    const p = path.join(dir, name);
    if (fs.existsSync(p)) found.add(p);
  }
  return [...found];
}

function listDir(dir: string): string[] | null {
  try {
    return fs.readdirSync(dir);
  } catch {
    return null;
  }
}

function maxSymbolVersion(file: string, prefix: string): string | null {
  try {
    const text = fs.readFileSync(file).toString('latin1');
    const re = new RegExp(prefix.replace(/\./g, '\\.') + '(\\d+(?:\\.\\d+)*)', 'g');
    let best: number[] | null = null;
    for (const m of text.matchAll(re)) {
      const v = m[1].split('.').map(Number);
      if (best === null || compareVersions(v, best) > 0) best = v;
    }
    return best ? prefix + best.join('.') : null;
  } catch (error) {
    return `unreadable: ${errorText(error)}`;
  }
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

function readText(file: string, max = 2000): string | null {
  try {
    return fs.readFileSync(file, 'utf8').slice(0, max).trim();
  } catch {
    return null;
  }
}

const VK_ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d',
  '/usr/local/nvidia/share/vulkan/icd.d', '/usr/local/nvidia/vulkan/icd.d'];
const EGL_VENDOR_DIRS = ['/usr/share/glvnd/egl_vendor.d', '/etc/glvnd/egl_vendor.d', '/usr/local/nvidia/share/glvnd/egl_vendor.d'];

function environmentFacts(): Record<string, unknown> {
  const header = (process.report?.getReport() as { header?: Record<string, unknown> } | undefined)?.header ?? {};
  const cache = ldconfigEntries();
  const libNames = ['libvulkan.so.1', 'libEGL.so.1', 'libEGL_nvidia.so.0', 'libGLX_nvidia.so.0', 'libGL.so.1',
    'libGLX.so.0', 'libGLdispatch.so.0', 'libOpenGL.so.0', 'libGLESv2.so.2', 'libX11.so.6', 'libXext.so.6',
    'libcuda.so.1', 'libnvidia-glcore.so', 'libnvidia-eglcore.so', 'libstdc++.so.6'];
  const libs: Record<string, string[]> = {};
  for (const name of libNames) libs[name] = findLib(name, cache);
  // versioned driver libraries (libnvidia-glcore.so.580.x): match by prefix in ldconfig and folders
  for (const prefix of ['libnvidia-glcore.so', 'libnvidia-eglcore.so', 'libGLX_nvidia.so', 'libEGL_nvidia.so']) {
    const hits = new Set(libs[prefix] ?? []);
    for (const [name, paths] of cache) if (name.startsWith(prefix)) paths.forEach((p) => hits.add(p));
    for (const dir of LIB_DIRS) for (const f of listDir(dir) ?? []) if (f.startsWith(prefix)) hits.add(path.join(dir, f));
    libs[prefix] = [...hits];
  }
  const libstdcxx = libs['libstdc++.so.6'].map((file) => ({
    file,
    realpath: (() => { try { return fs.realpathSync(file); } catch { return null; } })(),
    maxGLIBCXX: maxSymbolVersion(file, 'GLIBCXX_'),
    maxCXXABI: maxSymbolVersion(file, 'CXXABI_'),
  }));
  const tools: Record<string, string | null> = {};
  for (const t of ['node', 'xvfb-run', 'Xvfb', 'xauth', 'timeout', 'gzip', 'xz', 'python3', 'nvidia-smi', 'vulkaninfo', 'eglinfo', 'glxinfo', 'ldconfig']) {
    tools[t] = which(t);
  }
  const systemNode = process.env.PROBE_SYSTEM_NODE || tools.node;
  const envVars: Record<string, string | undefined> = {};
  for (const v of ['DISPLAY', 'WAYLAND_DISPLAY', 'XDG_RUNTIME_DIR', 'LD_LIBRARY_PATH', 'NVIDIA_DRIVER_CAPABILITIES',
    'NVIDIA_VISIBLE_DEVICES', 'CUDA_VISIBLE_DEVICES', 'VK_ICD_FILENAMES', 'VK_DRIVER_FILES',
    '__EGL_VENDOR_LIBRARY_FILENAMES', '__GLX_VENDOR_LIBRARY_NAME', 'EGL_PLATFORM', 'PATH', 'TMPDIR', 'HOME', 'USER']) {
    envVars[v] = process.env[v];
  }
  const smiL = sh('nvidia-smi', ['-L']);
  const smiQ = sh('nvidia-smi', ['--query-gpu=name,driver_version,memory.total,compute_cap,pstate,clocks.max.sm', '--format=csv,noheader']);
  const driverFromProc = readText('/proc/driver/nvidia/version');
  const driverVersion = /,\s*([0-9.]+)\s*,/.exec(smiQ.out)?.[1]
    ?? /Kernel Module\s+([0-9.]+)/.exec(driverFromProc ?? '')?.[1] ?? null;
  return {
    probeVersion: PROBE_VERSION,
    node: {
      version: process.version,
      execPath: process.execPath,
      modules: process.versions.modules,
      napi: process.versions.napi,
      v8: process.versions.v8,
      source: process.env.PROBE_NODE_SOURCE ?? null,
      systemNode: systemNode ? { path: systemNode, version: systemNode === process.execPath ? process.version : sh(systemNode, ['-v']).out } : null,
    },
    os: {
      prettyName: /PRETTY_NAME="?([^"\n]*)"?/.exec(readText('/etc/os-release') ?? '')?.[1] ?? null,
      kernel: os.release(),
      arch: process.arch,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      memGiB: round(os.totalmem() / 2 ** 30, 3),
      user: (() => { try { return os.userInfo().username; } catch { return null; } })(),
    },
    glibc: {
      runtime: header.glibcVersionRuntime ?? null,
      compiler: header.glibcVersionCompiler ?? null,
      lddVersion: sh('ldd', ['--version']).out.split('\n')[0] || null,
    },
    libstdcxx,
    nvidia: {
      smiL: smiL.ok ? smiL.out : `failed: ${smiL.error} ${smiL.out}`.trim(),
      smiQuery: smiQ.ok ? smiQ.out : `failed: ${smiQ.error} ${smiQ.out}`.trim(),
      driverVersion,
      procDriverVersion: driverFromProc,
      devNodes: (listDir('/dev') ?? []).filter((f) => f.startsWith('nvidia')),
      dri: listDir('/dev/dri'),
    },
    tools,
    xvfb: { xvfbRun: tools['xvfb-run'], Xvfb: tools.Xvfb, xauth: tools.xauth },
    libs,
    vulkanIcds: Object.fromEntries(VK_ICD_DIRS.map((d) => [d, listDir(d)]).filter(([, l]) => l !== null)),
    eglVendors: Object.fromEntries(EGL_VENDOR_DIRS.map((d) => [d, listDir(d)]).filter(([, l]) => l !== null)),
    carriedVulkanLoader: process.env.PROBE_VULKAN_LIB_DIR ?? null,
    env: envVars,
  };
}

/**
 * Environment for the webgpu child: our carried Vulkan loader when the system has none, and the
 * NVIDIA ICD when the loader would not find it by itself (the driver mount keeps it under
 * /usr/local/nvidia on the device machines).
 */
function webgpuEnv(facts: Record<string, unknown>, tmp: string): { env: NodeJS.ProcessEnv; changes: Record<string, string> } {
  const env = { ...process.env }, changes: Record<string, string> = {};
  const libs = facts.libs as Record<string, string[]>;
  const carried = process.env.PROBE_VULKAN_LIB_DIR;
  if (libs['libvulkan.so.1'].length === 0 && carried && fs.existsSync(path.join(carried, 'libvulkan.so.1'))) {
    env.LD_LIBRARY_PATH = [carried, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
    changes.LD_LIBRARY_PATH = env.LD_LIBRARY_PATH;
  }
  if (!env.VK_ICD_FILENAMES && !env.VK_DRIVER_FILES) {
    const standard = VK_ICD_DIRS.slice(0, 3).flatMap((d) => (listDir(d) ?? []).map((f) => path.join(d, f)));
    const nvidia = VK_ICD_DIRS.flatMap((d) => (listDir(d) ?? []).filter((f) => /nvidia/i.test(f)).map((f) => path.join(d, f)));
    let icd: string | null = null;
    if (!standard.some((f) => /nvidia/i.test(f)) && nvidia.length) icd = nvidia[0];
    else if (!nvidia.length) {
      const glx = libs['libGLX_nvidia.so.0'] ?? [];
      if (glx.length) {
        icd = path.join(tmp, 'nvidia_icd.json');
        fs.writeFileSync(icd, JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: glx[0], api_version: '1.3.0' } }));
      }
    }
    if (icd) {
      env.VK_ICD_FILENAMES = env.VK_DRIVER_FILES = icd;
      changes.VK_ICD_FILENAMES = changes.VK_DRIVER_FILES = icd;
    }
  }
  return { env, changes };
}

interface ChildPlan {
  name: string;
  mode: string;
  /** Most seconds this child may take; later children keep their minS each. */
  capS: number;
  minS: number;
  wrap?: string[];
  env?: NodeJS.ProcessEnv;
  envChanges?: Record<string, string>;
  xvfb?: { display: string };
}

/** Process group of the child running now, and what to do when run.sh's hard limit sends SIGTERM. */
const active = { childPid: 0, record: null as Record<string, unknown> | null, onTerminate: () => {} };

process.on('SIGTERM', () => {
  if (active.childPid) {
    try { process.kill(-active.childPid, 'SIGKILL'); } catch { /* gone */ }
  }
  active.onTerminate();
  process.exit(0);
});

function runChildProcess(plan: ChildPlan, refsDir: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const started = Date.now();
  const deadlineAt = started + timeoutMs - 2500;
  const nodeArgs = [...process.execArgv, SELF, '--child', plan.mode, refsDir, String(deadlineAt)];
  const [cmd, ...args] = plan.wrap ? [...plan.wrap, process.execPath, ...nodeArgs] : [process.execPath, ...nodeArgs];
  const record: Record<string, unknown> = { name: plan.name, mode: plan.mode, gpujsMode: GPUJS_MODE[plan.mode] ?? null };
  if (plan.wrap) record.wrappedIn = plan.wrap.join(' ');
  if (plan.envChanges && Object.keys(plan.envChanges).length) record.envChanges = plan.envChanges;
  const errors: unknown[] = [];
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(cmd, args, { env: plan.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ ...record, status: 'failed', errors: [{ phase: 'spawn', error: errorText(error) }] });
      return;
    }
    active.childPid = child.pid ?? 0;
    active.record = record;
    let stdoutBuf = '', stderrTail = '', otherStdout = '', timedOut = false;
    const onLine = (line: string) => {
      if (!line.startsWith(TAG)) {
        if (line.trim()) otherStdout = (otherStdout + line + '\n').slice(-3000);
        return;
      }
      try {
        const { event, ...data } = JSON.parse(line.slice(TAG.length)) as { event: string } & Record<string, unknown>;
        if (event === 'begin') {
          record.lastPhase = data.phase;
          return;
        }
        if (event === 'error') errors.push(data);
        else if (event === 'info') record.info = { ...(record.info as object), ...data };
        else record[event] = data;
        console.log(JSON.stringify({ type: 'child-event', name: plan.name, event, ...data }));
      } catch { /* a torn line */ }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBuf += chunk.toString('utf8');
      let nl;
      while ((nl = stdoutBuf.indexOf('\n')) >= 0) {
        onLine(stdoutBuf.slice(0, nl));
        stdoutBuf = stdoutBuf.slice(nl + 1);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => { stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4000); });
    const killGroup = (signal: NodeJS.Signals) => {
      try { process.kill(-child.pid!, signal); } catch { try { child.kill(signal); } catch { /* gone */ } }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), 1500).unref();
    }, timeoutMs);
    child.on('error', (error) => errors.push({ phase: 'spawn', error: errorText(error) }));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      active.childPid = 0;
      active.record = null;
      if (stdoutBuf) onLine(stdoutBuf);
      killGroup('SIGKILL'); // anything the child left behind in its group (an Xvfb)
      const measured = ['step', `square${MEDIUM}`, `square${BIG}`].some((k) => record[k] && !(record[k] as { error?: unknown }).error);
      const during = record.lastPhase ? ` in ${record.lastPhase}` : '';
      const status = timedOut ? (measured ? `partial (timed out${during})` : `timed out${during}`)
        : record.loaded && (measured || plan.mode === 'select') ? 'ok' : record.loaded ? 'loaded, nothing measured' : 'failed';
      resolve({
        ...record,
        status,
        exit: signal ? `signal ${signal}` : code,
        wallMs: Date.now() - started,
        timeoutMs,
        errors: errors.length ? errors : undefined,
        stderrTail: stderrTail.trim() ? stderrTail.trim().slice(-2500) : undefined,
        otherStdout: otherStdout.trim() ? otherStdout.trim().slice(-1500) : undefined,
      });
    });
  });
}

function summaryLine(r: Record<string, unknown>): Record<string, unknown> {
  const step = r.step as Record<string, unknown> | undefined;
  const s512 = r[`square${MEDIUM}`] as Record<string, unknown> | undefined;
  const s2048 = r[`square${BIG}`] as Record<string, unknown> | undefined;
  const loaded = r.loaded as Record<string, unknown> | undefined;
  const errs = r.errors as { error?: string }[] | undefined;
  return {
    name: r.name,
    status: r.status,
    backend: loaded?.backend ?? null,
    stepMs: step?.stepMsMedian ?? null,
    stepGflops: step?.gflops ?? null,
    stepMaxDiff: step?.maxAbsDiffVsJs ?? null,
    gflops512: s512?.gflops ?? (s512?.skipped ? 'skipped' : s512?.error ? 'error' : null),
    gflops2048: s2048?.gflops ?? (s2048?.skipped ? 'skipped' : s2048?.error ? 'error'
      : r.lastPhase === `square${BIG}` && String(r.status).includes('timed out') ? 'timed out' : null),
    maxDiff2048: s2048?.maxAbsDiffVsJs ?? null,
    firstError: (r.glinfo as { error?: string } | undefined)?.error ?? errs?.[0]?.error ?? null,
    driver: (r.glinfo as { driver?: string } | undefined)?.driver
      ?? ((r.adapter as { attempts?: { driver?: string }[] } | undefined)?.attempts ?? []).map((a) => a.driver).filter(Boolean).pop(),
    reason: loaded?.reason ?? undefined,
  };
}

async function runParent(): Promise<void> {
  const t0 = Date.now();
  const budgetMs = Number(process.env.PROBE_BUDGET_S ?? 200) * 1000;
  const deadline = { at: t0 + budgetMs };
  const outDir = path.resolve(process.env.OUT || '.bench-out/device');
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fcol-probe-'));
  const refsDir = path.join(tmp, 'refs');
  const report: Record<string, unknown> = {
    probe: 'feature-columns device probe', probeVersion: PROBE_VERSION, startedAt: new Date(t0).toISOString(),
    budgetS: budgetMs / 1000, environment: null, results: [] as unknown[], summary: null,
  };
  const results = report.results as Record<string, unknown>[];
  const save = () => {
    report.elapsedS = round((Date.now() - t0) / 1000);
    const file = path.join(outDir, 'probe.json');
    try {
      fs.writeFileSync(file + '.tmp', JSON.stringify(report, null, 1));
      fs.renameSync(file + '.tmp', file);
    } catch (error) {
      console.log(JSON.stringify({ type: 'error', phase: 'write probe.json', error: errorText(error) }));
    }
  };
  const line = (obj: Record<string, unknown>) => console.log(JSON.stringify(obj));
  active.onTerminate = () => {
    report.terminated = 'SIGTERM (run.sh hard time limit)';
    if (active.record) results.push({ ...active.record, status: `killed by the hard time limit${active.record.lastPhase ? ` in ${active.record.lastPhase}` : ''}` });
    report.summary = results.map(summaryLine);
    save();
    try { fs.rmSync(tmp, { recursive: true, force: true }); } catch { /* left in tmp */ }
  };
  save();

  // 1. environment
  let facts: Record<string, unknown> = {};
  try {
    facts = environmentFacts();
  } catch (error) {
    facts = { error: errorText(error) };
  }
  report.environment = facts;
  line({ type: 'environment', ...facts });
  save();

  // 2. js backend, in-process; its outputs are every child's reference
  const jsRecord: Record<string, unknown> = { name: 'js', mode: 'js' };
  results.push(jsRecord);
  try {
    const backend = new JsBackend();
    jsRecord.loaded = { backend: backend.name };
    const jsDeadline = { at: Math.min(deadline.at, Date.now() + 45_000) };
    const kept = await measureAll(backendRunner(backend), null, jsDeadline, (kind, data) => {
      jsRecord[kind] = data;
      line({ type: 'js', event: kind, ...data });
      save();
    }, true, { maxRuns: 3, maxSeconds: 20 });
    writeRefs(refsDir, kept.step, kept.square);
    jsRecord.status = 'ok';
  } catch (error) {
    jsRecord.status = 'failed';
    jsRecord.errors = [{ phase: 'js', error: errorText(error) }];
  }
  save();

  // 3. one child per gpu.js mode (and variant)
  const plans: ChildPlan[] = [];
  const wg = (() => {
    try { return webgpuEnv(facts, tmp); } catch { return { env: process.env, changes: {} }; }
  })();
  plans.push({ name: 'webgpu', mode: 'webgpu', capS: 80, minS: 15, env: wg.env, envChanges: wg.changes });
  plans.push({ name: 'headlessgl', mode: 'headlessgl', capS: 40, minS: 10 });
  const tools = (facts.tools ?? {}) as Record<string, string | null>;
  const libs = (facts.libs ?? {}) as Record<string, string[]>;
  // PROBE_XVFB=direct: start Xvfb ourselves even where xvfb-run exists (tests that path)
  const xvfbWrap = tools['xvfb-run'] && tools.xauth && process.env.PROBE_XVFB !== 'direct'
    ? [tools['xvfb-run'], '-a', '-s', '-screen 0 1024x768x24 -nolisten tcp']
    : null;
  if (xvfbWrap) {
    plans.push({ name: 'headlessgl@xvfb-run', mode: 'headlessgl', capS: 80, minS: 15, wrap: xvfbWrap });
    if ((libs['libGLX_nvidia.so.0'] ?? []).length) {
      // the device notes say GLX reached the GPU under Xvfb with this vendor override
      const env = { ...process.env, __GLX_VENDOR_LIBRARY_NAME: 'nvidia' };
      plans.push({ name: 'headlessgl@xvfb-run+nvidia-glx', mode: 'headlessgl', capS: 60, minS: 15, wrap: xvfbWrap, env,
        envChanges: { __GLX_VENDOR_LIBRARY_NAME: 'nvidia' } });
    }
  } else if (tools.Xvfb) {
    plans.push({ name: 'headlessgl@Xvfb', mode: 'headlessgl', capS: 60, minS: 15 });
  }
  plans.push({ name: 'webassembly', mode: 'webassembly', capS: 90, minS: 15 });
  plans.push({ name: 'cpu', mode: 'cpu', capS: 90, minS: 12 });
  plans.push({ name: 'select(auto)', mode: 'select', capS: 15, minS: 6 });

  for (let p = 0; p < plans.length; p++) {
    const plan = plans[p];
    const reserved = plans.slice(p + 1).reduce((sum, later) => sum + later.minS * 1000, 0);
    const left = Math.min(msLeft(deadline) - 1500, Math.max(msLeft(deadline) - 1500 - reserved, plan.minS * 1000));
    if (left < 4000) {
      const skipped = { name: plan.name, mode: plan.mode, status: 'skipped: time budget spent' };
      results.push(skipped);
      line({ type: 'result', ...skipped });
      continue;
    }
    let result: Record<string, unknown>;
    let xvfbProc: ReturnType<typeof spawn> | null = null;
    try {
      if (plan.name === 'headlessgl@Xvfb' && tools.Xvfb) {
        // no xvfb-run/xauth: start Xvfb ourselves on a free display
        const display = pickDisplay();
        xvfbProc = spawn(tools.Xvfb, [display, '-screen', '0', '1024x768x24', '-nolisten', 'tcp'], { stdio: 'ignore', detached: true });
        await new Promise((r) => setTimeout(r, 1500));
        plan.env = { ...process.env, DISPLAY: display };
        plan.envChanges = { DISPLAY: display };
      }
      result = await runChildProcess(plan, refsDir, Math.min(plan.capS * 1000, left));
    } catch (error) {
      result = { name: plan.name, mode: plan.mode, status: 'failed', errors: [{ phase: 'parent', error: errorText(error) }] };
    } finally {
      if (xvfbProc?.pid) { try { process.kill(-xvfbProc.pid, 'SIGKILL'); } catch { /* gone */ } }
    }
    results.push(result);
    line({ type: 'result', ...result });
    save();
  }

  // 4. summary
  const summary = results.map(summaryLine);
  report.summary = summary;
  report.finishedAt = new Date().toISOString();
  save();
  line({ type: 'summary', elapsedS: round((Date.now() - t0) / 1000), rows: summary });
  console.log('\nname                            status                    step ms  step GF/s  512 GF/s   2048 GF/s  max|diff| step/2048');
  for (const s of summary) {
    const cell = (v: unknown, w: number) => String(v ?? '-').slice(0, w).padEnd(w);
    console.log(`${cell(s.name, 31)} ${cell(s.status, 25)} ${cell(s.stepMs, 8)} ${cell(s.stepGflops, 10)} ${cell(s.gflops512, 10)} ${cell(s.gflops2048, 10)} ${cell(s.stepMaxDiff, 8)}/${cell(s.maxDiff2048, 8)}${s.driver ? '  [' + s.driver + ']' : ''}${s.firstError ? '  ' + String(s.firstError).slice(0, 160) : ''}`);
  }
  try { fs.rmSync(tmp, { recursive: true, force: true }); } catch { /* left in tmp */ }
}

function pickDisplay(): string {
  for (let n = 99; n < 140; n++) if (!fs.existsSync(`/tmp/.X11-unix/X${n}`) && !fs.existsSync(`/tmp/.X${n}-lock`)) return `:${n}`;
  return ':142';
}

// ---------------------------------------------------------------------------------------------

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  runChild(argv[1], argv[2], Number(argv[3]))
    .catch((error) => send('error', { phase: 'child', error: errorText(error) }))
    .finally(() => process.exit(0)); // webasm workers and dawn keep the event loop alive
} else {
  runParent()
    .catch((error) => console.log(JSON.stringify({ type: 'fatal', error: errorText(error) })))
    .finally(() => process.exit(0));
}
