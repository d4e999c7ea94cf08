/**
 * WebAssembly SIMD matrix product for the js backend: C = op(A)·op(B), or C += op(A)·op(B).
 *
 * The kernel is C (src/train/backend/wasm/matmul.c) compiled with clang for wasm32 + simd128 by
 * scripts/build-wasm-matmul.sh into matmul-wasm-module.ts, so nothing here needs a toolchain.
 * It packs op(A) into 4-row panels and op(B) into 8-column panels (handling every transpose
 * combination) and runs a 4×8 micro-kernel of f32x4 multiply-adds: about 4× the scalar
 * BlockedMatmul on the census MLP shapes (see test/train/backend.bench.ts).
 *
 * A WasmMatmul owns one WebAssembly.Memory, grown to fit the largest call seen; each call copies
 * A and B (and C, when accumulating) in and C out. The copies are O(m·k + k·n + m·n) against
 * the product's O(m·n·k).
 */
import type { Activation } from './backend.ts';
import { activateBackwardInto, activateInto } from './dense-ops.ts';
import { MATMUL_WASM_BASE64 } from './matmul-wasm-module.ts';

interface MatmulExports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  packed_a_floats(): number;
  packed_b_floats(n: number, k: number): number;
  matmul(a: number, b: number, c: number, m: number, n: number, k: number, transA: number, transB: number,
    accumulate: number, packedA: number, packedB: number): void;
  dense_forward(x: number, w: number, bias: number, y: number, m: number, n: number, k: number, act: number,
    packedA: number, packedB: number): void;
  dense_backward(x: number, wTail: number, y: number, dy: number, dw: number, db: number, dx: number, m: number,
    n: number, k: number, act: number, dxWidth: number, packedA: number, packedB: number): void;
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

/** Owns the module instance and its memory; the memory grows to the largest shape seen. */
export class WasmMatmul {
  private readonly exports: MatmulExports;
  private readonly heapBase: number;
  private heap: Float32Array;
  private words: Uint32Array = new Uint32Array(0);
  private pa = 0;
  private pb = 0;
  private readonly offsets: number[] = [];

  /** Throws when WebAssembly SIMD is unavailable: check wasmSimdSupported() first. */
  constructor() {
    compiled ??= new WebAssembly.Module(decodeBase64(MATMUL_WASM_BASE64));
    this.exports = new WebAssembly.Instance(compiled, {}).exports as unknown as MatmulExports;
    this.heapBase = this.exports.__heap_base.value as number;
    this.heap = new Float32Array(this.exports.memory.buffer);
  }

  /** See `Backend.matmul` for the argument convention. */
  run(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number,
    transA: boolean, transB: boolean, accumulate: boolean): void {
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!accumulate) c.fill(0, 0, m * n);
      return;
    }
    const [ao, bo, co] = this.layout(n, k, m * k, k * n, m * n);
    const heap = this.heap;
    heap.set(a.length === m * k ? a : a.subarray(0, m * k), ao);
    heap.set(b.length === k * n ? b : b.subarray(0, k * n), bo);
    if (accumulate) heap.set(c.length === m * n ? c : c.subarray(0, m * n), co);
    this.exports.matmul(ao * 4, bo * 4, co * 4, m, n, k, transA ? 1 : 0, transB ? 1 : 0, accumulate ? 1 : 0, this.pa * 4, this.pb * 4);
    c.set(heap.subarray(co, co + m * n));
  }

  /**
   * y = act(x·w + bias), x [rows, k], w [k, n], in one round trip: the matmul, the bias and relu
   * in wasm (sigmoid and tanh applied here afterwards, as dense-ops.ts does).
   */
  denseForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array, rows: number, n: number,
    k: number, activation: Activation): void {
    if (rows === 0) return;
    const [xo, wo, bo, yo] = this.layout(n, k, rows * k, k * n, n, rows * n);
    const heap = this.heap;
    heap.set(x.subarray(0, rows * k), xo);
    heap.set(w.subarray(0, k * n), wo);
    if (bias !== null) heap.set(bias.subarray(0, n), bo);
    const act = activation === 'relu' ? ACT_RELU : ACT_LINEAR;
    this.exports.dense_forward(xo * 4, wo * 4, bias === null ? 0 : bo * 4, yo * 4, rows, n, k, act, this.pa * 4, this.pb * 4);
    y.set(heap.subarray(yo, yo + rows * n));
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
    const [xo, wo, yo, dyo, dwo, dbo, dxo] = this.layout(Math.max(n, k, dxWidth), Math.max(rows, n),
      dw === null ? 0 : rows * k, dx === null ? 0 : dxWidth * n, size, size, dw === null ? 0 : k * n, n, dx === null ? 0 : rows * dxWidth);
    const heap = this.heap;
    let act = ACT_LINEAR;
    if (activation === 'relu') {
      act = ACT_RELU;
      heap.set(y.subarray(0, size), yo);
      heap.set(dy.subarray(0, size), dyo);
    } else if (activation === 'linear') {
      heap.set(dy.subarray(0, size), dyo);
    } else {
      activateBackwardInto(activation, y, dy, dz, size);
      heap.set(dz.subarray(0, size), dyo);
    }
    if (dw !== null) heap.set(x.subarray(0, rows * k), xo);
    if (dx !== null) heap.set(wTail.subarray(0, dxWidth * n), wo);
    this.exports.dense_backward(xo * 4, wo * 4, yo * 4, dyo * 4, dw === null ? 0 : dwo * 4, db === null ? 0 : dbo * 4,
      dx === null ? 0 : dxo * 4, rows, n, k, act, dxWidth, this.pa * 4, this.pb * 4);
    if (dw !== null) dw.set(heap.subarray(dwo, dwo + k * n));
    if (db !== null) db.set(heap.subarray(dbo, dbo + n));
    if (dx !== null) dx.set(heap.subarray(dxo, dxo + rows * dxWidth));
  }

  /**
   * Inverted dropout of x[0..n) into y with mask, drawing from `state` (a Random's four words,
   * advanced n draws and written back): the same masks and products as the JS loop.
   */
  dropoutForward(x: Float32Array, y: Float32Array, mask: Float32Array, n: number, keep: number, state: Uint32Array): void {
    if (n === 0) return;
    const [xo, yo, mo, so] = this.layout(0, 0, n, n, n, 4);
    const heap = this.heap;
    heap.set(x.subarray(0, n), xo);
    if (this.words.buffer !== heap.buffer) this.words = new Uint32Array(heap.buffer);
    const words = this.words;
    for (let i = 0; i < 4; i++) words[so + i] = state[i];
    const threshold = Math.ceil(keep * 4294967296);
    this.exports.dropout_forward(xo * 4, yo * 4, mo * 4, n, so * 4, threshold | 0, threshold >= 4294967296 ? 1 : 0, Math.fround(1 / keep));
    for (let i = 0; i < 4; i++) state[i] = words[so + i];
    y.set(heap.subarray(yo, yo + n));
    mask.set(heap.subarray(mo, mo + n));
  }

  /**
   * Float offsets of 16-byte aligned regions of the given sizes after the packing scratch (sized
   * for op(B) panels of up to `packN` columns and depth `packK`), growing the memory to fit.
   */
  private layout(packN: number, packK: number, ...sizes: number[]): number[] {
    const ex = this.exports;
    const align = (x: number): number => (x + 3) & ~3;
    this.pa = align(this.heapBase >> 2);
    this.pb = align(this.pa + ex.packed_a_floats());
    let at = align(this.pb + (packN > 0 ? ex.packed_b_floats(packN, packK) : 0));
    const out = this.offsets;
    out.length = 0;
    for (const size of sizes) {
      out.push(at);
      at = align(at + size);
    }
    if (at * 4 > ex.memory.buffer.byteLength) {
      ex.memory.grow(Math.ceil((at * 4 - ex.memory.buffer.byteLength) / PAGE));
    }
    if (this.heap.buffer !== ex.memory.buffer) this.heap = new Float32Array(ex.memory.buffer);
    return out;
  }
}
