import type { DialectBytes } from './dialect.ts';
import type { RowSpans } from './row-spans.ts';

/** Why {@link tokenizeRows} stopped. */
export const TOKENIZE = {
  /** `maxRows` rows are in the spans. */
  ROWS_FULL: 0,
  /** The buffer ends inside a row: read more bytes (the cursor stays at that row's start). */
  NEED_MORE: 1,
  /** Every byte is consumed and the input has ended. */
  END: 2,
  /** The input ends inside a quoted field; the cursor is at the start of that row. */
  UNTERMINATED_QUOTE: 3,
} as const;

/** Position of the tokenizer in the buffer and the 1-based line it is on. */
export interface TokenizerCursor {
  pos: number;
  line: number;
}

const LF = 10;
const CR = 13;
const SPACE = 32;

/**
 * Splits rows of `buf[cursor.pos, end)` into field spans appended to `spans`, until `maxRows` rows are
 * held, the buffer ends inside a row, or the input ends (`eof`). Blank lines and comment lines are skipped;
 * LF and CRLF both end a row. A quote opens a quoted field only at the start of a field (after trimmed
 * spaces); elsewhere it is an ordinary character. Rows with the wrong field count are kept and counted in
 * `spans.badRows` (missing fields get empty spans) so the caller can reject them with their line number.
 *
 * One function on purpose: it is the hottest loop of the reader, and V8 keeps the locals in registers.
 */
export function tokenizeRows(buf: Uint8Array, end: number, eof: boolean, d: DialectBytes,
    spans: RowSpans, cursor: TokenizerCursor, maxRows: number): number {
  const numColumns = spans.numColumns, starts = spans.starts, ends = spans.ends;
  const delim = d.delimiter, quote = d.quote, escape = d.escape, trim = d.trimLeadingSpaces, comment = d.comment;
  let pos = cursor.pos, line = cursor.line, r = spans.rows;
  let status: number = TOKENIZE.ROWS_FULL;
  rows: while (r < maxRows) {
    if (pos >= end) {
      status = eof ? TOKENIZE.END : TOKENIZE.NEED_MORE;
      break;
    }
    let c = buf[pos];
    if (c === LF || c === CR || c === comment) {
      const next = skipLine(buf, pos, end);
      if (next < 0 && !eof) {
        status = TOKENIZE.NEED_MORE;
        break;
      }
      pos = next < 0 ? end : next;
      line++;
      continue;
    }
    const k = r * numColumns;
    let p = pos, ln = line, f = 0, malformed = false, rowEnd = end;
    for (;;) {
      if (trim) while (p < end && buf[p] === SPACE) p++;
      const s = p;
      let e: number;
      if (p < end && buf[p] === quote) {
        p++;
        for (;;) {
          if (p >= end) {
            status = eof ? TOKENIZE.UNTERMINATED_QUOTE : TOKENIZE.NEED_MORE;
            break rows;
          }
          c = buf[p];
          if (c === quote) {
            if (p + 1 >= end && !eof) {
              status = TOKENIZE.NEED_MORE; // a doubled quote may straddle the buffer end
              break rows;
            }
            if (escape === quote && p + 1 < end && buf[p + 1] === quote) {
              p += 2;
              continue;
            }
            p++;
            break;
          }
          if (c === escape) p++;
          if (p < end && buf[p] === LF) ln++;
          p++;
        }
        e = p;
        while (p < end && buf[p] === SPACE) p++;
        if (p < end && (c = buf[p]) !== delim && c !== LF && c !== CR) {
          malformed = true; // text after the closing quote: take the rest of the field as it is
          while (p < end && (c = buf[p]) !== delim && c !== LF) p++;
          e = p;
        }
      } else {
        while (p < end && (c = buf[p]) !== delim && c !== LF) p++;
        e = p;
        if ((p >= end || c === LF) && e > s && buf[e - 1] === CR) e--;
      }
      if (p >= end && !eof) {
        status = TOKENIZE.NEED_MORE;
        break rows;
      }
      if (f < numColumns) {
        starts[k + f] = s;
        ends[k + f] = e;
      }
      f++;
      if (p >= end) break;
      c = buf[p];
      if (c === delim) {
        p++;
        continue;
      }
      if (c === CR) {
        if (p + 1 >= end && !eof) {
          status = TOKENIZE.NEED_MORE;
          break rows;
        }
        p++; // a CR after a closing quote; a CRLF ends the row, a lone CR is taken as a line end too
        if (p < end && buf[p] === LF) p++;
        rowEnd = p - 1;
      } else {
        rowEnd = p;
        p++;
      }
      ln++;
      break;
    }
    if (f !== numColumns || malformed) {
      for (let j = f; j < numColumns; j++) starts[k + j] = ends[k + j] = rowEnd;
      spans.fieldCounts[r] = malformed ? -1 : f;
      spans.badRows++;
    } else {
      spans.fieldCounts[r] = f;
    }
    spans.rowStarts[r] = pos;
    spans.rowEnds[r] = rowEnd;
    spans.lines[r] = line;
    r++;
    pos = p;
    line = ln;
  }
  cursor.pos = pos;
  cursor.line = line;
  spans.rows = r;
  return status;
}

/** Index after the line break that ends the line at `pos`, or -1 when the buffer ends first. */
function skipLine(buf: Uint8Array, pos: number, end: number): number {
  const lf = buf.indexOf(LF, pos);
  return lf < 0 || lf >= end ? -1 : lf + 1;
}
