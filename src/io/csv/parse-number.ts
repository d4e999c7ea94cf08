/**
 * Numbers parsed straight from UTF-8 bytes, without making a JS string per field. Spaces around the
 * number are allowed; anything else that is not part of the number makes the field invalid.
 */

/** Result of {@link parseInt32Into}. */
export const PARSED_INT = { OK: 0, NOT_AN_INTEGER: 1, OUT_OF_RANGE: 2 } as const;

const SPACE = 32, PLUS = 43, MINUS = 45, DOT = 46, ZERO = 48;
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const INT32_MAX = 2147483647, INT32_MIN = -2147483648;

/** Parses a decimal integer in `buf[s, e)` into `out[i]`; returns a {@link PARSED_INT} code. */
export function parseInt32Into(buf: Uint8Array, s: number, e: number, out: Int32Array, i: number): number {
  while (s < e && buf[s] === SPACE) s++;
  while (e > s && buf[e - 1] === SPACE) e--;
  let negative = false;
  if (s < e && (buf[s] === MINUS || buf[s] === PLUS)) negative = buf[s++] === MINUS;
  if (s === e) return PARSED_INT.NOT_AN_INTEGER;
  let v = 0;
  for (let p = s; p < e; p++) {
    const digit = buf[p] - ZERO;
    if (digit < 0 || digit > 9) return PARSED_INT.NOT_AN_INTEGER;
    v = v * 10 + digit;
  }
  if (negative) v = -v;
  if (v > INT32_MAX || v < INT32_MIN) return PARSED_INT.OUT_OF_RANGE;
  out[i] = v;
  return PARSED_INT.OK;
}

/**
 * Parses a decimal number in `buf[s, e)` into `out[i]`; returns false when it is not one.
 * Fast path: up to 15 digits with an optional point and no exponent, computed as mantissa / 10^k, which is
 * correctly rounded because both are exact doubles (Clinger's fast path). Other forms (exponents, long
 * mantissas, inf, nan) go through `Number()` after a strict syntax check.
 */
export function parseFloatInto(buf: Uint8Array, s: number, e: number, out: Float64Array | Float32Array,
    i: number): boolean {
  while (s < e && buf[s] === SPACE) s++;
  while (e > s && buf[e - 1] === SPACE) e--;
  let p = s, negative = false;
  if (p < e && (buf[p] === MINUS || buf[p] === PLUS)) negative = buf[p++] === MINUS;
  let mantissa = 0, digits = 0, fraction = 0, point = false;
  for (; p < e; p++) {
    const digit = buf[p] - ZERO;
    if (digit >= 0 && digit <= 9) {
      mantissa = mantissa * 10 + digit;
      digits++;
      if (point) fraction++;
    } else if (buf[p] === DOT && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (p === e && digits > 0 && digits <= 15) {
    const v = fraction === 0 ? mantissa : mantissa / POW10[fraction];
    out[i] = negative ? -v : v;
    return true;
  }
  return parseFloatSlow(buf, s, e, out, i);
}

const FLOAT_SYNTAX = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;
const latin1 = new TextDecoder('latin1');

function parseFloatSlow(buf: Uint8Array, s: number, e: number, out: Float64Array | Float32Array, i: number): boolean {
  const text = latin1.decode(buf.subarray(s, e));
  if (!FLOAT_SYNTAX.test(text)) return false;
  const lower = text.toLowerCase();
  if (lower.endsWith('nan')) out[i] = NaN;
  else if (lower.includes('inf')) out[i] = lower.startsWith('-') ? -Infinity : Infinity;
  else out[i] = Number(text);
  return true;
}

/** What a field could be stored as, from narrowest to widest (type inference takes the widest seen). */
export const NUMBER_KIND = { INT32: 0, WIDE_INT: 1, FLOAT: 2, NOT_A_NUMBER: 3 } as const;

const scratchInt = new Int32Array(1);
const scratchFloat = new Float64Array(1);

export function classifyNumber(buf: Uint8Array, s: number, e: number): number {
  const int = parseInt32Into(buf, s, e, scratchInt, 0);
  if (int === PARSED_INT.OK) return NUMBER_KIND.INT32;
  if (int === PARSED_INT.OUT_OF_RANGE) return NUMBER_KIND.WIDE_INT;
  return parseFloatInto(buf, s, e, scratchFloat, 0) ? NUMBER_KIND.FLOAT : NUMBER_KIND.NOT_A_NUMBER;
}
