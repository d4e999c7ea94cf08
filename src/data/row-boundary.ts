import { Buffer } from 'node:buffer';
import type { DialectBytes } from '../io/csv/dialect.ts';

const LF = 10;
const CR = 13;
const SPACE = 32;

/**
 * Where the last complete row of `buf[start, end)` ends (the index after its line break), given that
 * `start` is the start of a row; `start` when no row ends in the range. Quote-aware, with the tokenizer's
 * rules (src/io/csv/tokenizer.ts), so a quoted field holding line breaks is never cut: a quote opens a quoted
 * field only at the start of a field (after trimmed spaces); blank and comment lines end at the next LF; a
 * CR right after a closing quote ends a row on its own.
 *
 * A range without the quote byte (the usual case) costs two native byte searches, not a scan in JS.
 */
export function lastRowBoundary(buf: Uint8Array, start: number, end: number, d: DialectBytes): number {
  const quote = d.quote;
  if (quote < 0 || indexOfByte(buf, quote, start, end) < 0) {
    const lf = buf.lastIndexOf(LF, end - 1);
    return lf >= start ? lf + 1 : start;
  }
  return scanRows(buf, start, end, d);
}

/** Index of byte `b` in `buf[from, to)`, or -1 (Buffer's search is memchr; TypedArray's is a plain loop). */
function indexOfByte(buf: Uint8Array, b: number, from: number, to: number): number {
  const i = Buffer.from(buf.buffer, buf.byteOffset, to).indexOf(b, from);
  return i < 0 ? -1 : i;
}

/** The tokenizer's row grammar, keeping only where rows end. */
function scanRows(buf: Uint8Array, start: number, end: number, d: DialectBytes): number {
  const delim = d.delimiter, quote = d.quote, escape = d.escape, trim = d.trimLeadingSpaces, comment = d.comment;
  let pos = start, boundary = start;
  rows: while (pos < end) {
    let c = buf[pos];
    if (c === LF || c === CR || c === comment) {
      const lf = indexOfByte(buf, LF, pos, end);
      if (lf < 0) break;
      pos = boundary = lf + 1;
      continue;
    }
    let p = pos;
    for (;;) {
      if (trim) while (p < end && buf[p] === SPACE) p++;
      if (p < end && buf[p] === quote) {
        p++;
        for (;;) {
          if (p >= end) break rows;
          c = buf[p];
          if (c === quote) {
            if (p + 1 >= end) break rows; // a doubled quote may straddle the end
            if (escape === quote && buf[p + 1] === quote) {
              p += 2;
              continue;
            }
            p++;
            break;
          }
          if (c === escape) p++;
          p++;
        }
        while (p < end && buf[p] === SPACE) p++;
        if (p < end && (c = buf[p]) !== delim && c !== LF && c !== CR) {
          while (p < end && (c = buf[p]) !== delim && c !== LF) p++;
        }
      } else {
        while (p < end && (c = buf[p]) !== delim && c !== LF) p++;
      }
      if (p >= end) break rows;
      c = buf[p];
      if (c === delim) {
        p++;
        continue;
      }
      if (c === CR) {
        if (p + 1 >= end) break rows;
        p++;
        if (buf[p] === LF) p++;
      } else {
        p++;
      }
      break;
    }
    pos = boundary = p;
  }
  return boundary;
}
