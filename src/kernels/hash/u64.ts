/**
 * Unsigned 64-bit values as (hi, lo) pairs of 32-bit numbers: the multiply FingerprintCat64 needs,
 * and the half order for splitting a BigInt through typed arrays.
 *
 * Why: BigInt arithmetic allocates a fresh BigInt per operation (FingerprintCat64 needs ~12), so
 * TF-mode crossing does its math on two int32 halves instead and makes one BigInt at the end.
 * Halves are carried as int32 (`| 0`), not uint32: V8 keeps int32 values unboxed, while uint32
 * values above 2^31 become heap numbers whenever they leave a register.
 */

const TWO_NEG_32 = 2.3283064365386963e-10; // 2^-32, exact

/** High 32 bits of the 64-bit product of the uint32 readings of `a` and `b`. */
export function mulHi32(a: number, b: number): number {
  // a*b as a double is off by at most 2^10; subtracting the exact low half (imul) leaves
  // high * 2^32 ± 2^11, so scaling by 2^-32 (exact) and rounding (+0.5, truncate) gives the high half.
  return (((a >>> 0) * (b >>> 0) - (Math.imul(a, b) >>> 0)) * TWO_NEG_32 + 0.5) | 0;
}

/** High half of (ah:al) * (bh:bl) mod 2^64. The low half is `Math.imul(al, bl)`. */
export function mulHi(ah: number, al: number, bh: number, bl: number): number {
  return (mulHi32(al, bl) + Math.imul(ah, bl) + Math.imul(al, bh)) | 0;
}

// Index of the low / high 32-bit half inside a 64-bit slot of a typed array (platform byte order).
// Aliasing a BigUint64Array with an Int32Array splits or joins a BigInt in ~2 ns; DataView's
// BigInt accessors take ~15-25 ns and BigInt shifts allocate.
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
export const LO = LITTLE_ENDIAN ? 0 : 1;
export const HI = 1 - LO;
