/**
 * Integers as the bytes the hashes read, written into one reused scratch buffer.
 *
 * Why: hashing an int per row must not build a string or a buffer per call. The returned view is
 * valid only until the next call (single-threaded use; hash it at once).
 */

const scratch = new Uint8Array(24);
// One view per length, so callers get an exact-length Uint8Array without allocating.
const views: Uint8Array[] = [];
for (let len = 0; len <= 24; ++len) views.push(scratch.subarray(0, len));

/** Count of decimal digits of a non-negative integer below 1e9. */
function digitCount(v: number): number {
  let d = 1;
  while (v >= 10 && d < 9) { v = (v / 10) | 0; ++d; }
  return d;
}

/** Writes the decimal digits of 0 ≤ v < 1e9 ending just before `end`, padded with zeros to `width`. */
function writeDigits(v: number, end: number, width: number): void {
  for (let p = end - 1; p >= end - width; --p) {
    const q = (v / 10) | 0;
    scratch[p] = 48 + v - q * 10;
    v = q;
  }
}

/**
 * The decimal string of a safe integer as ASCII bytes — TF's `as_string` (101 → "101", -5 → "-5").
 * Precondition: Number.isSafeInteger(value).
 */
export function decimalBytes(value: number): Uint8Array {
  let p = 0;
  if (value < 0) { scratch[p++] = 45; value = -value; } // '-'
  // Split so every digit loop runs on int32: value = hi * 1e9 + lo, hi < 2^24.
  let hi = Math.floor(value / 1e9);
  let lo = value - hi * 1e9;
  if (lo < 0) { --hi; lo += 1e9; } else if (lo >= 1e9) { ++hi; lo -= 1e9; }
  if (hi > 0) {
    const hd = digitCount(hi);
    writeDigits(hi, p + hd, hd);
    p += hd;
    writeDigits(lo, p + 9, 9);
    return views[p + 9];
  }
  const ld = digitCount(lo);
  writeDigits(lo, p + ld, ld);
  return views[p + ld];
}

/**
 * The 8 bytes of a safe integer as int64 little-endian two's complement (-1 → ff ff .. ff), as
 * Spark's xxhash64 reads a long. Precondition: Number.isSafeInteger(value).
 */
export function int64LeBytes(value: number): Uint8Array {
  const lo = value | 0; // ToInt32 is exact mod 2^32 for any safe integer
  const hi = Math.floor(value / 4294967296) | 0;
  scratch[0] = lo; scratch[1] = lo >>> 8; scratch[2] = lo >>> 16; scratch[3] = lo >>> 24;
  scratch[4] = hi; scratch[5] = hi >>> 8; scratch[6] = hi >>> 16; scratch[7] = hi >>> 24;
  return views[8];
}

