import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dialectBytes, type DialectBytes } from '../../src/io/csv/dialect.ts';
import { fieldText } from '../../src/io/csv/field-text.ts';
import { RowSpans } from '../../src/io/csv/row-spans.ts';
import { TOKENIZE, tokenizeRows } from '../../src/io/csv/tokenizer.ts';

const COMMA = dialectBytes({ delimiter: ',', quote: '"', escape: '"', trimLeadingSpaces: false }, undefined);
const encode = (text: string) => new TextEncoder().encode(text);

/**
 * Tokenizes `bytes` the way the reader does, but revealing only `chunk` more bytes each time the tokenizer
 * asks for more. Bytes past the window are filled with quotes and delimiters, so a peek beyond `end` shows.
 */
function tokenizeInChunks(bytes: Uint8Array, columns: number, chunk: number, d: DialectBytes = COMMA) {
  const rows: { fields: string[]; count: number; line: number }[] = [];
  const cursor = { pos: 0, line: 1 };
  const spans = new RowSpans(3, columns);
  let end = Math.min(chunk, bytes.length);
  for (;;) {
    const window = new Uint8Array(bytes.length + 8).fill(0x22);
    window.fill(0x2c, end + 1);
    window.set(bytes.subarray(0, end));
    spans.clear();
    const status = tokenizeRows(window, end, end === bytes.length, d, spans, cursor, spans.capacity);
    for (let r = 0; r < spans.rows; r++) {
      const fields = [];
      for (let j = 0; j < columns; j++) fields.push(fieldText(window, spans.starts[r * columns + j], spans.ends[r * columns + j], d));
      rows.push({ fields, count: spans.fieldCounts[r], line: spans.lines[r] });
    }
    if (status === TOKENIZE.END || status === TOKENIZE.UNTERMINATED_QUOTE) return { rows, status };
    if (status === TOKENIZE.NEED_MORE) end = Math.min(bytes.length, end + chunk);
  }
}

describe('tokenizeRows', () => {
  it('splits fields and rows, with LF or CRLF, and a last row without a line break', () => {
    const { rows } = tokenizeInChunks(encode('a,b\r\n1,2\n3,\n,4'), 2, 100);
    expect(rows.map((r) => r.fields)).toEqual([['a', 'b'], ['1', '2'], ['3', ''], ['', '4']]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4]);
  });

  it('skips blank lines and counts them in line numbers', () => {
    const { rows } = tokenizeInChunks(encode('a,b\n\n\r\n1,2\n'), 2, 100);
    expect(rows.map((r) => [r.line, ...r.fields])).toEqual([[1, 'a', 'b'], [4, '1', '2']]);
  });

  it('counts the lines inside quoted fields', () => {
    const { rows } = tokenizeInChunks(encode('"x\ny\nz",1\n2,3\n'), 2, 100);
    expect(rows.map((r) => r.line)).toEqual([1, 4]);
    expect(rows[0].fields).toEqual(['x\ny\nz', '1']);
  });

  it('marks rows with too few or too many fields, and text after a closing quote', () => {
    const { rows } = tokenizeInChunks(encode('1\n1,2,3\n"a"b,2\n'), 2, 100);
    expect(rows.map((r) => r.count)).toEqual([1, 3, -1]);
    expect(rows[0].fields).toEqual(['1', '']);
  });

  it('reports a quote still open at the end of the input, the cursor at its row', () => {
    const bytes = encode('1,2\n3,"open\n4,5\n');
    const { rows, status } = tokenizeInChunks(bytes, 2, 4);
    expect(status).toBe(TOKENIZE.UNTERMINATED_QUOTE);
    expect(rows.map((r) => r.fields)).toEqual([['1', '2']]);
  });

  it('trims spaces after the delimiter only when asked, and skips comment lines', () => {
    const d = dialectBytes({ delimiter: ',', quote: '"', escape: '"', trimLeadingSpaces: true }, '#');
    const { rows } = tokenizeInChunks(encode('# note\na,  b, "c"  \n'), 3, 100, d);
    expect(rows.map((r) => r.fields)).toEqual([['a', 'b', 'c']]);
  });

  it('gives the same rows whatever the read size (property)', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'é', ' ', ',', '"', '\n', '\r', 'x'), maxLength: 6 });
    const table = fc.array(fc.tuple(field, field, field), { minLength: 1, maxLength: 8 });
    fc.assert(fc.property(table, fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }), fc.integer({ min: 1, max: 40 }),
      (records, flags, chunk) => {
        let k = 0;
        const quoteIfNeeded = (f: string) =>
          /[,"\n\r]/.test(f) || flags[k++ % flags.length] ? `"${f.replaceAll('"', '""')}"` : f;
        const text = records.map((r, i) => r.map(quoteIfNeeded).join(',') + (flags[i % flags.length] ? '\r\n' : '\n')).join('');
        const { rows, status } = tokenizeInChunks(encode(text), 3, chunk);
        expect(status).toBe(TOKENIZE.END);
        expect(rows.map((r) => r.fields)).toEqual(records);
      }), { numRuns: 300 });
  });
});
