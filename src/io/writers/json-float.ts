import type { ByteBuilder } from './byte-builder.ts';

/** The smallest normal float32, 2^-126. */
const MIN_NORMAL = 2 ** -126;

/**
 * A float32 as the shortest JSON number that reads back to the same float32 (0.1, not 0.10000000149011612).
 * JSON has no NaN or infinities: those are written as the strings "NaN", "Infinity", "-Infinity" (which
 * Python's `float(x)` and JavaScript's `Number(x)` read back).
 */
export function float32Json(value: number): string {
  // Integers below 2^24 are exact in float32, so no shorter decimal reads back to them.
  if (Number.isInteger(value) && Math.abs(value) < 16_777_216) return String(value);
  if (!Number.isFinite(value)) return value > 0 ? '"Infinity"' : value < 0 ? '"-Infinity"' : '"NaN"';
  // 9 significant digits always round-trip a float32, and if p digits do, so do p + 1 (the nearest (p+1)-digit
  // decimal is at least as close), so the shortest is found by bisection. For normal floats (ulp at most 2^-23
  // relative) a shorter round-tripping decimal, padded with zeros, is also what 6 digits give, so the search
  // covers 6..9; subnormals carry fewer digits and search 1..9.
  let low = Math.abs(value) < MIN_NORMAL ? 1 : 6;
  let high = 9;
  let best: number | null = null;
  while (low < high) {
    const digits = (low + high) >> 1;
    const near = Number(value.toPrecision(digits));
    if (Math.fround(near) === value) { best = near; high = digits; } else low = digits + 1;
  }
  return String(best ?? Number(value.toPrecision(9)));
}

/** Non-integer values remembered by a Float32Encoder; the memory is cleared when it reaches this size. */
const CACHE_SIZE = 1 << 16;

/**
 * float32Json as bytes, with a memory of recent non-integer values. Finding the shortest decimal costs about
 * a microsecond (two or three toPrecision and parse rounds) and feature data repeats values a lot (a normalized age
 * takes some 70 values), so most lookups hit. Integers below 2^24 are written digit by digit.
 */
export class Float32Encoder {
  private cache = new Map<number, string>();

  write(out: ByteBuilder, value: number): void {
    if (Number.isInteger(value) && Math.abs(value) < 16_777_216) { out.int(value); return; }
    let text = this.cache.get(value);
    if (text === undefined) {
      text = float32Json(value);
      if (this.cache.size >= CACHE_SIZE) this.cache.clear();
      this.cache.set(value, text);
    }
    out.ascii(text);
  }
}
