/**
 * unsigned64(h) mod n without BigInt division.
 *
 * Why: `Number(h % BigInt(n))` allocates two BigInts per call; splitting h into uint32 halves and
 * reducing in doubles is exact and allocation-free.
 */

import { HI, LO } from './u64.ts';

const reg = new BigUint64Array(1);
const halves = new Uint32Array(reg.buffer);
const TWO_32 = 4294967296;
/** Largest n for which (hi mod n) * 2^32 + lo stays below 2^53, i.e. exact in a double. */
const ONE_STEP_MAX = 2097152; // 2^21
/** Largest n for which r * 2^16 (r < n) stays exact in a double. */
const TWO_STEP_MAX = 2 ** 37;

/**
 * unsigned64(h) mod n, for an integer n ≥ 1. The BigInt `h` is read mod 2^64, so a negative h
 * is taken as its two's complement.
 */
export function bucketOfU64(h: bigint, n: number): number {
  reg[0] = h; // stores h mod 2^64
  const hi = halves[HI], lo = halves[LO];
  if (n <= ONE_STEP_MAX) return ((hi % n) * TWO_32 + lo) % n;
  if (n <= TWO_STEP_MAX) {
    // hi * 2^32 mod n in two 2^16 steps, each product below 2^53.
    const r = (((((hi % n) * 65536) % n) * 65536) % n);
    return (r + lo) % n;
  }
  return Number(reg[0] % BigInt(n));
}
