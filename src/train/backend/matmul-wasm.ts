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
import { MATMUL_WASM_BASE64 } from './matmul-wasm-module.ts';

interface MatmulExports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  packed_a_floats(): number;
  packed_b_floats(n: number, k: number): number;
  matmul(a: number, b: number, c: number, m: number, n: number, k: number, transA: number, transB: number,
    accumulate: number, packedA: number, packedB: number): void;
}

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
    const ex = this.exports;
    // Float offsets into the heap, each 16-byte aligned: packed A, packed B, A, B, C.
    const align = (x: number): number => (x + 3) & ~3;
    const pa = align(this.heapBase >> 2);
    const pb = align(pa + ex.packed_a_floats());
    const ao = align(pb + ex.packed_b_floats(n, k));
    const bo = align(ao + m * k);
    const co = align(bo + k * n);
    const end = co + m * n;
    if (end * 4 > ex.memory.buffer.byteLength) {
      ex.memory.grow(Math.ceil((end * 4 - ex.memory.buffer.byteLength) / PAGE));
    }
    if (this.heap.buffer !== ex.memory.buffer) this.heap = new Float32Array(ex.memory.buffer);
    const heap = this.heap;
    heap.set(a.length === m * k ? a : a.subarray(0, m * k), ao);
    heap.set(b.length === k * n ? b : b.subarray(0, k * n), bo);
    if (accumulate) heap.set(c.length === m * n ? c : c.subarray(0, m * n), co);
    ex.matmul(ao * 4, bo * 4, co * 4, m, n, k, transA ? 1 : 0, transB ? 1 : 0, accumulate ? 1 : 0, pa * 4, pb * 4);
    c.set(heap.subarray(co, end));
  }
}
