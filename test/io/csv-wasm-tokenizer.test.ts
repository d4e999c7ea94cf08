import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dialectBytes, type DialectBytes } from '../../src/io/csv/dialect.ts';
import { RowSpans } from '../../src/io/csv/row-spans.ts';
import { TOKENIZE, tokenizeRows } from '../../src/io/csv/tokenizer.ts';
import { WasmTokenizer } from '../../src/io/csv/wasm-tokenizer.ts';

/**
 * The WebAssembly tokenizer against tokenizeRows (the reference): the same statuses, cursors and spans, run
 * by run, for any input, dialect, window (the reader's NEED_MORE refills) and run size.
 */

interface Trace {
  status: number;
  pos: number;
  line: number;
  rows: number;
  badRows: number;
  starts: number[];
  ends: number[];
  fieldCounts: number[];
  rowStarts: number[];
  rowEnds: number[];
  lines: number[];
}

const snapshot = (status: number, cursor: { pos: number; line: number }, spans: RowSpans): Trace => {
  const n = spans.rows, f = n * spans.numColumns;
  return {
    status, pos: cursor.pos, line: cursor.line, rows: n, badRows: spans.badRows,
    starts: [...spans.starts.subarray(0, f)], ends: [...spans.ends.subarray(0, f)],
    fieldCounts: [...spans.fieldCounts.subarray(0, n)], rowStarts: [...spans.rowStarts.subarray(0, n)],
    rowEnds: [...spans.rowEnds.subarray(0, n)], lines: [...spans.lines.subarray(0, n)],
  };
};

/** Tokenizes `bytes` revealing `chunk` more bytes per NEED_MORE (bytes past the window are quotes and delimiters). */
function trace(bytes: Uint8Array, columns: number, capacity: number, chunk: number, d: DialectBytes,
    wasm: WasmTokenizer | null): Trace[] {
  const out: Trace[] = [];
  const cursor = { pos: 0, line: 1 };
  const js = new RowSpans(capacity, columns);
  let end = Math.min(chunk, bytes.length);
  for (let step = 0; step < 10_000; step++) {
    const window = new Uint8Array(bytes.length + 8).fill(0x22);
    window.fill(d.delimiter, end + 1);
    window.set(bytes.subarray(0, end));
    let status: number;
    let spans: RowSpans;
    if (wasm === null) {
      spans = js;
      spans.clear();
      status = tokenizeRows(window, end, end === bytes.length, d, spans, cursor, capacity);
    } else {
      wasm.load(window);
      spans = wasm.spans;
      spans.clear();
      status = wasm.tokenize(end, end === bytes.length, d, cursor, capacity);
    }
    out.push(snapshot(status, cursor, spans));
    if (status === TOKENIZE.END || status === TOKENIZE.UNTERMINATED_QUOTE) return out;
    if (status === TOKENIZE.NEED_MORE) end = Math.min(bytes.length, end + chunk);
  }
  throw new Error('no end');
}

const encode = (text: string) => new TextEncoder().encode(text);

const DIALECTS: DialectBytes[] = [
  dialectBytes({ delimiter: ',', quote: '"', escape: '"', trimLeadingSpaces: false }, undefined),
  dialectBytes({ delimiter: ',', quote: '"', escape: '"', trimLeadingSpaces: true }, undefined),
  dialectBytes({ delimiter: ';', quote: '"', escape: '\\', trimLeadingSpaces: false }, '#'),
  dialectBytes({ delimiter: '\t', quote: null, escape: '"', trimLeadingSpaces: true }, undefined),
  dialectBytes({ delimiter: ',', quote: "'", escape: '\\', trimLeadingSpaces: true }, '#'),
];

describe('WasmTokenizer', () => {
  const wasm = WasmTokenizer.create(4, 3);

  it('is available here (Node has WebAssembly)', () => {
    expect(wasm).not.toBeNull();
  });

  it('matches tokenizeRows on any input, dialect, window and run size', () => {
    const alphabet = fc.constantFrom('a', '1', '-', '.', 'e', ',', ';', '\t', '"', "'", '\\', '\n', '\r', '\r\n', ' ', ', ', '#', 'é', '\u00ff');
    fc.assert(fc.property(
      fc.array(alphabet, { maxLength: 60 }).map((parts) => parts.join('')),
      fc.integer({ min: 0, max: DIALECTS.length - 1 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 70 }),
      (text, di, columns, capacity, chunk) => {
        const d = DIALECTS[di], bytes = encode(text);
        const tok = WasmTokenizer.create(capacity, columns)!;
        expect(trace(bytes, columns, capacity, chunk, d, tok)).toEqual(trace(bytes, columns, capacity, chunk, d, null));
      }), { numRuns: 3000 });
  });

  it('matches on census-like rows split at every byte (fields straddling the window end)', () => {
    const text = '39, State-gov, 77516, Bachelors, 13\r\n50, "Self, emp", -1.5e3, "a""b" , 0\n\n"x\ny", 2, 3\n1, 2\n7, 8, 9, 10, 11, 12';
    const d = DIALECTS[1], bytes = encode(text);
    for (let chunk = 1; chunk <= bytes.length; chunk++) {
      for (const capacity of [1, 2, 8]) {
        const tok = WasmTokenizer.create(capacity, 5)!;
        expect(trace(bytes, 5, capacity, chunk, d, tok)).toEqual(trace(bytes, 5, capacity, chunk, d, null));
      }
    }
  });

  it('grows its memory for a large input and replaces its spans', () => {
    const tok = WasmTokenizer.create(8192, 2)!;
    const rows = Array.from({ length: 600_000 }, (_, i) => `${i},"v${i % 7}"`).join('\n') + '\n';
    const bytes = encode(rows);
    expect(bytes.length).toBeGreaterThan(4 << 20);
    const before = tok.spans;
    tok.load(bytes);
    expect(tok.spans === before).toBe(false);
    const js = new RowSpans(8192, 2), d = DIALECTS[0];
    const a = { pos: 0, line: 1 }, b = { pos: 0, line: 1 };
    for (;;) {
      js.clear();
      tok.spans.clear();
      const sj = tokenizeRows(bytes, bytes.length, true, d, js, a, 8192);
      const sw = tok.tokenize(bytes.length, true, d, b, 8192);
      expect(snapshot(sw, b, tok.spans)).toEqual(snapshot(sj, a, js));
      if (sj === TOKENIZE.END) break;
    }
    expect(a.line).toBe(600_001);
  });
});
