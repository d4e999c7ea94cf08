import type { DialectBytes } from './dialect.ts';

/**
 * Reading one field's content: a quoted span includes its quotes (see RowSpans), and its escapes
 * (`""` or `\"`) are removed only when the text is copied out, so the raw row stays intact for errors.
 */

export function isQuoted(buf: Uint8Array, s: number, e: number, quote: number): boolean {
  return e > s && buf[s] === quote;
}

/** Copies the content of the quoted span `buf[s, e)` to `out` at `o` without quotes and escapes; returns the end. */
export function unquoteInto(buf: Uint8Array, s: number, e: number, d: DialectBytes, out: Uint8Array, o: number): number {
  const quote = d.quote, escape = d.escape;
  const last = buf[e - 1] === quote && e - s >= 2 ? e - 1 : e; // a rejected row may lack the closing quote
  for (let p = s + 1; p < last; p++) {
    const c = buf[p];
    if (c === escape && p + 1 < last && (escape !== quote || buf[p + 1] === quote)) out[o++] = buf[++p];
    else out[o++] = c;
  }
  return o;
}

const utf8 = new TextDecoder();

/** The field as a JS string (quotes and escapes removed; invalid UTF-8 shown as U+FFFD). */
export function fieldText(buf: Uint8Array, s: number, e: number, d: DialectBytes): string {
  if (!isQuoted(buf, s, e, d.quote)) return utf8.decode(buf.subarray(s, e));
  const out = new Uint8Array(e - s);
  return utf8.decode(out.subarray(0, unquoteInto(buf, s, e, d, out, 0)));
}

/**
 * Matches the null tokens of a reader. By default only the empty field is null; `?` and `NA` are values
 * unless listed. A quoted field is never null, so `""` stays an empty string.
 */
export class NullTokens {
  readonly emptyIsNull: boolean;
  /** Tokens other than '' as bytes; most readers have none, so `matches` is one comparison. */
  private readonly tokens: Uint8Array[];

  constructor(values: readonly string[]) {
    this.emptyIsNull = values.includes('');
    this.tokens = values.filter((v) => v !== '').map((v) => new TextEncoder().encode(v));
  }

  /** Whether the unquoted field `buf[s, e)` is null. */
  matches(buf: Uint8Array, s: number, e: number): boolean {
    if (s === e) return this.emptyIsNull;
    const tokens = this.tokens;
    for (let t = 0; t < tokens.length; t++) if (equalBytes(buf, s, e, tokens[t])) return true;
    return false;
  }
}

function equalBytes(buf: Uint8Array, s: number, e: number, token: Uint8Array): boolean {
  if (e - s !== token.length) return false;
  for (let i = 0; i < token.length; i++) if (buf[s + i] !== token[i]) return false;
  return true;
}
