/**
 * WebAssembly SIMD matrix product for the js backend: C = op(A)·op(B), or C += op(A)·op(B).
 *
 * The kernel is C (src/train/backend/wasm/matmul.c) compiled with clang for wasm32 + simd128 by
 * scripts/build-wasm-matmul.sh into matmul-wasm-module.ts, so nothing here needs a toolchain.
 * It packs op(A) into 4-row panels and op(B) into 8-column panels (handling every transpose
 * combination) and runs a 4×8 micro-kernel of f32x4 multiply-adds: about 4× the scalar
 * BlockedMatmul on the census MLP shapes (see test/train/backend.bench.ts).
 *
 * A WasmMatmul owns one WebAssembly.Memory, grown to fit the largest call seen. An operand that
 * is a plain Float32Array is copied in (and an output copied out) on each call; one handed out by
 * `allocate` lives in that memory and is passed by address, with no copy. Resident buffers need a
 * shared memory (one that never detaches its views when it grows: where SharedArrayBuffer exists,
 * as in Node); elsewhere `allocate` returns plain arrays and every call copies, as before.
 *
 * Over a shared memory, products of at least SPLIT_WORK multiply-adds are shared by rows with a helper
 * thread (matmul-thread.ts; `threads: 2`, the default where there are two cores), with results bit for
 * bit those of one thread.
 */
import type { Activation } from './backend.ts';
import { activateBackwardInto, activateInto } from './dense-ops.ts';
import { MATMUL_WASM_BASE64, MATMUL_WASM_SHARED_BASE64 } from './matmul-wasm-module.ts';
import { HelperLane, type LocalChunk, OP_DENSE_BACKWARD_PRODUCTS, OP_DENSE_FORWARD_ROWS, OP_MATMUL_ROWS } from './matmul-thread.ts';

interface MatmulExports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  packed_a_floats(): number;
  packed_b_floats(n: number, k: number): number;
  matmul_rows(a: number, b: number, c: number, m: number, n: number, k: number, transA: number, transB: number,
    accumulate: number, packedA: number, packedB: number, rowBegin: number, rowEnd: number): void;
  dense_forward_rows(x: number, w: number, bias: number, y: number, m: number, n: number, k: number, act: number,
    packedA: number, packedB: number, rowBegin: number, rowEnd: number): void;
  dense_backward_prepare(y: number, dy: number, dz: number, db: number, m: number, n: number, act: number): number;
  dense_backward_products(x: number, wTail: number, g: number, dw: number, dx: number, m: number, n: number, k: number,
    dxWidth: number, packedA: number, packedB: number, dwBegin: number, dwEnd: number, dxBegin: number, dxEnd: number): void;
  multiply(a: number, b: number, out: number, n: number): void;
  adam_update(w: number, g: number, m: number, v: number, n: number, alpha: number, c1: number, c2: number, eps: number): void;
  dropout_forward(x: number, y: number, mask: number, n: number, state: number, threshold: number, always: number, scale: number): void;
}

/** The activations dense.c applies itself; the others (exp-based) run in JS around the call. */
const ACT_LINEAR = 0, ACT_RELU = 1;

/** The smallest module using a v128 instruction: WebAssembly.validate says whether SIMD runs here. */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x0a, 0x01, 0x08, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0xfd, 0x62, 0x0b, // i32.const 0; i8x16.splat; i8x16.popcnt; end
]);

let simd: boolean | undefined;
let compiled: WebAssembly.Module | undefined;
let compiledShared: WebAssembly.Module | undefined;

/** Whether this runtime has WebAssembly with 128-bit SIMD (Node ≥ 16.4, current browsers). */
export function wasmSimdSupported(): boolean {
  if (simd === undefined) {
    try {
      simd = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
    } catch {
      simd = false;
    }
  }
  return simd;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  if (typeof Buffer === 'function') return Uint8Array.from(Buffer.from(text, 'base64'));
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const PAGE = 65536;
/** The shared module's memory limits in pages (scripts/build-wasm-matmul.sh: 128 KiB initial, 2 GiB maximum). */
const SHARED_INITIAL_PAGES = 2, SHARED_MAXIMUM_PAGES = 32768;
/** Floats per arena chunk that `allocate` carves buffers from (1 MiB). */
const CHUNK = 1 << 18;
/** Multiply-adds from which a product is shared with the helper thread (below, handing it over costs more). */
const SPLIT_WORK = 1 << 16;
/** A shared product's rows go in chunks of at least this many, at most MAX_CHUNKS of them (fewer, bigger chunks pack op(B) less often). */
const ROWS_PER_CHUNK = 32, MAX_CHUNKS = 8;
/** Floats of the helper thread's stack in the module's memory (the module is linked with 64 KiB). */
const HELPER_STACK = 1 << 14;

const align = (x: number): number => (x + 3) & ~3;

/** A shared WebAssembly memory and the module instantiated over it, or null where shared memory is unavailable. */
function instantiateShared(): { exports: MatmulExports; memory: WebAssembly.Memory } | null {
  if (typeof SharedArrayBuffer !== 'function') return null;
  try {
    const memory = new WebAssembly.Memory({ initial: SHARED_INITIAL_PAGES, maximum: SHARED_MAXIMUM_PAGES, shared: true });
    if (!(memory.buffer instanceof SharedArrayBuffer)) return null;
    compiledShared ??= new WebAssembly.Module(decodeBase64(MATMUL_WASM_SHARED_BASE64));
    const exports = new WebAssembly.Instance(compiledShared, { env: { memory } }).exports as unknown as MatmulExports;
    return { exports, memory };
  } catch {
    return null;
  }
}

/** Owns the module instance and its memory; the memory grows to the largest shape seen. */
export class WasmMatmul {
  /** Whether `allocate` hands out buffers inside the module's memory (a shared memory). */
  readonly resident: boolean;
  private readonly exports: MatmulExports;
  private readonly memory: WebAssembly.Memory;
  private heap: Float32Array;
  private words: Uint32Array = new Uint32Array(0);
  /** Float offset of the first unused float of memory (everything below is stack, scratch or arena). */
  private top: number;
  /** The scratch region (packing panels, then copied operands): float offset and size. */
  private scratch = 0;
  private scratchSize = 0;
  private arenaAt = 0;
  private arenaEnd = 0;
  private pa = 0;
  private pb = 0;
  private readonly offsets: number[] = [];
  /** The ArrayBuffers (one per memory size seen) of this memory's resident buffers. */
  private readonly buffers = new Set<ArrayBufferLike>();

  /** The helper thread's lane and its scratch (float offsets: packing panels), once a product is big enough to split. */
  private lane: HelperLane | null = null;
  private readonly threads: number;
  private helperPa = 0;
  private helperPb = 0;
  private helperPbSize = 0;

  /**
   * Throws when WebAssembly SIMD is unavailable: check wasmSimdSupported() first. `threads` (1 or 2,
   * default 2): whether big products may use the helper thread, over a shared memory.
   */
  constructor(options: { resident?: boolean; threads?: 1 | 2 } = {}) {
    const shared = options.resident === false ? null : instantiateShared();
    this.threads = shared === null ? 1 : options.threads ?? 2;
    if (shared !== null) {
      this.exports = shared.exports;
      this.memory = shared.memory;
    } else {
      compiled ??= new WebAssembly.Module(decodeBase64(MATMUL_WASM_BASE64));
      this.exports = new WebAssembly.Instance(compiled, {}).exports as unknown as MatmulExports;
      this.memory = this.exports.memory;
    }
    this.resident = shared !== null;
    this.top = align((this.exports.__heap_base.value as number) >> 2);
    this.heap = new Float32Array(this.memory.buffer);
  }

  /**
   * A zeroed Float32Array of `length` floats that the kernels read and write in place: inside
   * the module's memory when `resident` (never freed while this WasmMatmul lives; callers allocate
   * once and reuse), else a plain array.
   */
  allocate(length: number): Float32Array {
    if (!this.resident) return new Float32Array(length);
    if (this.arenaAt + length > this.arenaEnd) {
      const size = Math.max(align(length), CHUNK);
      try {
        this.arenaAt = this.reserve(size);
      } catch {
        return new Float32Array(length); // past the memory's maximum: a plain array, copied per call
      }
      this.arenaEnd = this.arenaAt + size;
    }
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    const view = new Float32Array(buffer, this.arenaAt * 4, length);
    this.arenaAt = align(this.arenaAt + length);
    return view;
  }

  /** See `Backend.matmul` for the argument convention. */
  run(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number,
    transA: boolean, transB: boolean, accumulate: boolean): void {
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!accumulate) c.fill(0, 0, m * n);
      return;
    }
    const ar = this.address(a), br = this.address(b), cr = this.address(c);
    const [ao, bo, co] = this.layout(n, k, ar < 0 ? m * k : 0, br < 0 ? k * n : 0, cr < 0 ? m * n : 0);
    const heap = this.heap;
    if (ar < 0) heap.set(a.length === m * k ? a : a.subarray(0, m * k), ao);
    if (br < 0) heap.set(b.length === k * n ? b : b.subarray(0, k * n), bo);
    if (accumulate && cr < 0) heap.set(c.length === m * n ? c : c.subarray(0, m * n), co);
    const ex = this.exports, args = [ar < 0 ? ao * 4 : ar, br < 0 ? bo * 4 : br, cr < 0 ? co * 4 : cr, m, n, k, transA ? 1 : 0,
      transB ? 1 : 0, accumulate ? 1 : 0] as const;
    const pa = this.pa * 4, pb = this.pb * 4;
    this.computeRows(OP_MATMUL_ROWS, args, m, m * n * k, n, k, m, 0, (begin, end) => ex.matmul_rows(...args, pa, pb, begin, end));
    if (cr < 0) c.set(heap.subarray(co, co + m * n));
  }

  /**
   * y = act(x·w + bias), x [rows, k], w [k, n], in one round trip: the matmul, the bias and relu
   * in wasm (sigmoid and tanh applied here afterwards, as dense-ops.ts does).
   */
  denseForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array, rows: number, n: number,
    k: number, activation: Activation): void {
    if (rows === 0) return;
    const xr = this.address(x), wr = this.address(w), br = bias === null ? 0 : this.address(bias), yr = this.address(y);
    const [xo, wo, bo, yo] = this.layout(n, k, xr < 0 ? rows * k : 0, wr < 0 ? k * n : 0, br < 0 ? n : 0, yr < 0 ? rows * n : 0);
    const heap = this.heap;
    if (xr < 0) heap.set(x.subarray(0, rows * k), xo);
    if (wr < 0) heap.set(w.subarray(0, k * n), wo);
    if (bias !== null && br < 0) heap.set(bias.subarray(0, n), bo);
    const act = activation === 'relu' ? ACT_RELU : ACT_LINEAR;
    const ex = this.exports, args = [xr < 0 ? xo * 4 : xr, wr < 0 ? wo * 4 : wr, bias === null ? 0 : br < 0 ? bo * 4 : br,
      yr < 0 ? yo * 4 : yr, rows, n, k, act] as const;
    const pa = this.pa * 4, pb = this.pb * 4;
    this.computeRows(OP_DENSE_FORWARD_ROWS, args, rows, rows * n * k, n, k, rows, 0,
      (begin, end) => ex.dense_forward_rows(...args, pa, pb, begin, end));
    if (yr < 0) y.set(heap.subarray(yo, yo + rows * n));
    if (activation === 'sigmoid' || activation === 'tanh') activateInto(activation, y, y, rows * n);
  }

  /**
   * The backward of `denseForward` from its input x, output y and dy (left untouched): dz = dy·f'(y),
   * dw = xᵀ·dz, db = Σ_rows dz, dx = dz·wTailᵀ [rows, dxWidth], wTail being w's last dxWidth rows;
   * any of dw, db, dx may be null. `dz` is scratch for the exp-based activations.
   */
  denseBackward(x: Float32Array, wTail: Float32Array, y: Float32Array, dy: Float32Array, dw: Float32Array | null,
    db: Float32Array | null, dx: Float32Array | null, rows: number, n: number, k: number, activation: Activation,
    dxWidth: number, dz: Float32Array): void {
    if (rows === 0) {
      dw?.fill(0, 0, k * n);
      db?.fill(0, 0, n);
      return;
    }
    const size = rows * n;
    let act = ACT_LINEAR, g = dy;
    if (activation === 'relu') act = ACT_RELU;
    else if (activation !== 'linear') {
      activateBackwardInto(activation, y, dy, dz, size);
      g = dz;
    }
    const relu = act === ACT_RELU;
    const xr = dw === null ? 0 : this.address(x), wr = dx === null ? 0 : this.address(wTail), yr = relu ? this.address(y) : 0;
    const gr = this.address(g), dwr = dw === null ? 0 : this.address(dw), dbr = db === null ? 0 : this.address(db);
    const dxr = dx === null ? 0 : this.address(dx);
    const [xo, wo, yo, go, zo, dwo, dbo, dxo] = this.layout(Math.max(n, k, dxWidth), Math.max(rows, n),
      xr < 0 ? rows * k : 0, wr < 0 ? dxWidth * n : 0, yr < 0 ? size : 0, gr < 0 ? size : 0, relu ? size : 0,
      dwr < 0 ? k * n : 0, dbr < 0 ? n : 0, dxr < 0 ? rows * dxWidth : 0);
    const heap = this.heap;
    if (yr < 0) heap.set(y.subarray(0, size), yo);
    if (gr < 0) heap.set(g.subarray(0, size), go);
    if (xr < 0) heap.set(x.subarray(0, rows * k), xo);
    if (wr < 0) heap.set(wTail.subarray(0, dxWidth * n), wo);
    const gp = gr < 0 ? go * 4 : gr, ex = this.exports;
    const product = ex.dense_backward_prepare(yr < 0 ? yo * 4 : yr, gp, relu ? zo * 4 : gp, db === null ? 0 : dbr < 0 ? dbo * 4 : dbr, rows, n, act);
    const args = [xr < 0 ? xo * 4 : xr, wr < 0 ? wo * 4 : wr, product, dw === null ? 0 : dwr < 0 ? dwo * 4 : dwr,
      dx === null ? 0 : dxr < 0 ? dxo * 4 : dxr, rows, n, k, dxWidth] as const;
    // dw = xᵀ·g [k, n] and dx = g·w_tailᵀ [rows, dxWidth]: each split by its rows.
    const work = (dw === null ? 0 : k * n * rows) + (dx === null ? 0 : rows * dxWidth * n);
    const pa = this.pa * 4, pb = this.pb * 4;
    this.computeRows(OP_DENSE_BACKWARD_PRODUCTS, args, Math.min(k, rows), work, Math.max(n, dxWidth), Math.max(rows, n), k, rows,
      (dwBegin, dwEnd, dxBegin, dxEnd) => ex.dense_backward_products(...args, pa, pb, dwBegin, dwEnd, dxBegin, dxEnd));
    if (dw !== null && dwr < 0) dw.set(heap.subarray(dwo, dwo + k * n));
    if (db !== null && dbr < 0) db.set(heap.subarray(dbo, dbo + n));
    if (dx !== null && dxr < 0) dx.set(heap.subarray(dxo, dxo + rows * dxWidth));
  }

  /**
   * Inverted dropout of x[0..n) into y with mask, drawing from `state` (a Random's four words,
   * advanced n draws and written back): the same masks and products as the JS loop.
   */
  dropoutForward(x: Float32Array, y: Float32Array, mask: Float32Array, n: number, keep: number, state: Uint32Array): void {
    if (n === 0) return;
    const xr = this.address(x), yr = this.address(y), mr = this.address(mask);
    const [xo, yo, mo, so] = this.layout(0, 0, xr < 0 ? n : 0, yr < 0 ? n : 0, mr < 0 ? n : 0, 4);
    const heap = this.heap;
    if (xr < 0) heap.set(x.subarray(0, n), xo);
    if (this.words.buffer !== heap.buffer) this.words = new Uint32Array(heap.buffer);
    const words = this.words;
    for (let i = 0; i < 4; i++) words[so + i] = state[i];
    const threshold = Math.ceil(keep * 4294967296);
    this.exports.dropout_forward(xr < 0 ? xo * 4 : xr, yr < 0 ? yo * 4 : yr, mr < 0 ? mo * 4 : mr, n, so * 4, threshold | 0,
      threshold >= 4294967296 ? 1 : 0, Math.fround(1 / keep));
    for (let i = 0; i < 4; i++) state[i] = words[so + i];
    if (yr < 0) y.set(heap.subarray(yo, yo + n));
    if (mr < 0) mask.set(heap.subarray(mo, mo + n));
  }

  /**
   * out[i] = a[i]·b[i] for i < n (float32): in wasm when all three are resident, else the same
   * product in a JS loop (a round trip would cost more than the loop).
   */
  multiply(a: Float32Array, b: Float32Array, out: Float32Array, n: number): void {
    const ar = this.address(a), br = this.address(b), or = this.address(out);
    if (ar >= 0 && br >= 0 && or >= 0) {
      this.exports.multiply(ar, br, or, n);
      return;
    }
    for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
  }

  /**
   * Adam's dense update of w[0..n) from g with slots m, v (optimizers/adam.ts, bit for bit), in
   * wasm when all four are resident; returns false, doing nothing, otherwise.
   */
  adamUpdate(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, n: number, alpha: number, c1: number,
    c2: number, eps: number): boolean {
    const wr = this.address(w), gr = this.address(g), mr = this.address(m), vr = this.address(v);
    if (wr < 0 || gr < 0 || mr < 0 || vr < 0) return false;
    this.exports.adam_update(wr, gr, mr, vr, n, alpha, c1, c2, eps);
    return true;
  }

  /** Products (or parts of a backward) the helper thread has computed a share of. */
  get helperJobs(): number {
    return this.lane?.jobs ?? 0;
  }

  /** Resolves once the helper thread can take this kernel's products (false when it never will: one thread). */
  threadsReady(): Promise<boolean> {
    if (this.threads < 2) return Promise.resolve(false);
    return this.ensureLane().whenReady;
  }

  /**
   * Runs `local` over rows [0, total1) (and [0, total2) of a second output): in chunks shared with the helper
   * thread (which runs `op` on `args` and its own packing scratch) when the product is worth it (`work`
   * multiply-adds, at least 8 `rows`; the helper packs op(B) panels of up to `packN` columns and depth `packK`),
   * else here in one call.
   */
  private computeRows(op: number, args: readonly number[], rows: number, work: number, packN: number, packK: number,
    total1: number, total2: number, local: LocalChunk): void {
    if (this.threads === 2 && work >= SPLIT_WORK && rows >= 8) {
      this.ensureLane();
      const need = this.exports.packed_b_floats(packN, packK);
      if (need > this.helperPbSize) {
        this.helperPb = this.reserve(align(need));
        this.helperPbSize = align(need);
      }
      const chunks = Math.max(2, Math.min(MAX_CHUNKS, Math.floor(rows / ROWS_PER_CHUNK)));
      if (this.lane!.parallel(op, [...args, this.helperPa * 4, this.helperPb * 4], chunks, total1, total2, local)) return;
    }
    local(0, total1, 0, total2);
  }

  private ensureLane(): HelperLane {
    if (this.lane === null) {
      const stack = this.reserve(HELPER_STACK);
      this.helperPa = this.reserve(align(this.exports.packed_a_floats()));
      this.lane = new HelperLane(this, this.memory, compiledShared!, (stack + HELPER_STACK) * 4);
    }
    return this.lane;
  }

  /** The byte address of a resident buffer in this memory, or −1 for any other array. */
  private address(array: Float32Array): number {
    return this.buffers.has(array.buffer) ? array.byteOffset : -1;
  }

  /** Claims `floats` floats (a multiple of 4) at the top of memory, growing it; returns their float offset. */
  private reserve(floats: number): number {
    const at = this.top;
    this.top = at + floats;
    const bytes = this.memory.buffer.byteLength;
    if (this.top * 4 > bytes) this.memory.grow(Math.ceil((this.top * 4 - bytes) / PAGE));
    if (this.heap.buffer !== this.memory.buffer) this.heap = new Float32Array(this.memory.buffer);
    return at;
  }

  /**
   * Float offsets of 16-byte aligned regions of the given sizes in the scratch region, after the
   * packing panels (sized for op(B) panels of up to `packN` columns and depth `packK`), growing
   * the scratch (in place when it is the last region of memory, else anew at the top) to fit.
   */
  private layout(packN: number, packK: number, ...sizes: number[]): number[] {
    const ex = this.exports;
    let need = align(ex.packed_a_floats()) + (packN > 0 ? align(ex.packed_b_floats(packN, packK)) : 0);
    for (const size of sizes) need += align(size);
    if (need > this.scratchSize) {
      if (this.scratchSize > 0 && this.scratch + this.scratchSize === this.top) this.top = this.scratch;
      const size = Math.max(need, Math.min(this.scratchSize * 2, need + CHUNK));
      this.scratch = this.reserve(size);
      this.scratchSize = size;
    }
    this.pa = this.scratch;
    this.pb = align(this.pa + ex.packed_a_floats());
    let at = align(this.pb + (packN > 0 ? ex.packed_b_floats(packN, packK) : 0));
    const out = this.offsets;
    out.length = 0;
    for (const size of sizes) {
      out.push(at);
      at = align(at + size);
    }
    return out;
  }
}
