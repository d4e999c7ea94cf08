/**
 * unsigned64(h) mod n without BigInt division.
 *
 * Why: `Number(h % BigInt(n))` allocates BigInts per call, and `%` on doubles is a call into C in V8.
 * Splitting h into uint32 halves and reducing with double division (exact below 2^52, then one
 * correction step) keeps the per-value cost to a few arithmetic instructions.
 */
import { HI, LO } from './u64.ts';

const reg = new BigUint64Array(1);
const halves = new Uint32Array(reg.buffer);
const TWO_32 = 4294967296;
/** Largest n for which (hi mod n) * 2^32 + lo stays below 2^52. */
const ONE_STEP_MAX = 2 ** 20;
/** Largest n for which r * 2^16 + 2^16 (r < n) stays below 2^52. */
const CHUNKED_MAX = 2 ** 36;

/** x mod n for integers 0 ≤ x < 2^52, 1 ≤ n: the floor of x / n is off by at most one, so fix r once. */
function modExact(x: number, n: number): number {
  const r = x - Math.floor(x / n) * n;
  return r < 0 ? r + n : r >= n ? r - n : r;
}

/**
 * unsigned64(h) mod n, for an integer n ≥ 1. The BigInt `h` is read mod 2^64, so a negative h
 * is taken as its two's complement.
 */
export function bucketOfU64(h: bigint, n: number): number {
  reg[0] = h; // stores h mod 2^64
  const hi = halves[HI], lo = halves[LO];
  if (n <= ONE_STEP_MAX) return modExact(modExact(hi, n) * TWO_32 + lo, n);
  if (n <= CHUNKED_MAX) {
    // Horner over 16-bit chunks of lo, each partial value below 2^52.
    const r = modExact(modExact(hi, n) * 65536 + (lo >>> 16), n);
    return modExact(r * 65536 + (lo & 0xffff), n);
  }
  return Number(reg[0] % BigInt(n));
}
