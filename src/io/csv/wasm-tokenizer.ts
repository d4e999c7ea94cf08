import type { ByteDictionary } from './byte-dictionary.ts';
import type { FastFields, FieldAccelerator } from './column-builder.ts';
import type { DialectBytes } from './dialect.ts';
import type { NullTokens } from './field-text.ts';
import { RowSpans } from './row-spans.ts';
import type { TokenizerCursor } from './tokenizer.ts';
import { CSV_TOKENIZER_WASM_BASE64 } from './tokenizer-wasm-module.ts';

type TokenizeFn = (buf: number, end: number, eof: number, delim: number, quote: number, escape: number, trim: number,
  comment: number, numColumns: number, starts: number, ends: number, fieldCounts: number, rowStarts: number,
  rowEnds: number, lines: number, maxRows: number, state: number, lineState: number) => number;

interface Exports {
  __heap_base: WebAssembly.Global;
  tokenize_rows: TokenizeFn;
  mirror_add: (mirror: number, src: number, len: number, id: number) => number;
  mirror_lookup: (mirror: number, buf: number, starts: number, ends: number, stride: number, column: number,
    rows: number, quote: number, out: number) => number;
  int32_column: (buf: number, starts: number, ends: number, stride: number, column: number, rows: number, out: number,
    ok: number) => number;
}

/** A dictionary's mirror in the memory: where, how many of its entries were offered, whether it is full. */
interface Mirror {
  at: number;
  synced: number;
  full: boolean;
  nulls: NullTokens;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where this runtime lacks WebAssembly SIMD (the caller then uses tokenizeRows). */
function tokenizerModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = typeof WebAssembly === 'object'
        ? new WebAssembly.Module(Uint8Array.from(Buffer.from(CSV_TOKENIZER_WASM_BASE64, 'base64'))) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

const PAGE = 65536;
/** The module's own part of the memory (64 KiB of stack, then its few constants); checked against __heap_base. */
const RESERVED = 2 * PAGE;
/** Readable bytes after the input: the tokenizer loads 16 bytes at a time. */
const SLACK = 16;
/** Room for the input in a first memory (a 2 MB chunk fits). */
const FIRST_INPUT_BYTES = 4 << 20;
/** Dictionary columns mirrored (more use the builder's own lookup), and each mirror's entries and bytes. */
const MIRRORS = 16;
const MIRROR_ENTRIES = 1024;
const MIRROR_BYTES = 16 << 10;
/** The Mirror struct of tokenizer.c (11 words, padded), its table (2 slots an entry), 4 words an entry, the bytes. */
const MIRROR_SIZE = 48 + 4 * 2 * MIRROR_ENTRIES + 4 * 4 * MIRROR_ENTRIES + MIRROR_BYTES;
/** Longest entry that is mirrored. */
const SCRATCH = 1024;

/**
 * {@link tokenizeRows} in WebAssembly with SIMD (src/io/csv/wasm/tokenizer.c, the same rules): about twice as
 * fast on census rows. The caller copies a whole input into the module's memory once with `load` and then
 * tokenizes it run by run; the spans it fills (`spans`) live in that memory, and offsets in them are offsets
 * in the loaded bytes, so builders read the caller's own copy of the bytes. A `load` larger than the memory
 * makes a new, larger memory and instance (never `memory.grow`, which would detach an ArrayBuffer: see
 * scripts/build-wasm-csv.sh) and replaces `spans`: take `spans` after each `load`.
 */
export class WasmTokenizer implements FieldAccelerator {
  spans!: RowSpans;
  private fn!: TokenizeFn;
  private exports!: Exports;
  private words!: Int32Array;
  private memory8!: Uint8Array;
  private out!: Int32Array;
  /** The result of the last dictionaryIds or int32Fields (they share the memory). */
  private fast!: FastFields;
  private mirrors = new Map<ByteDictionary, Mirror>();
  private state!: Int32Array;
  private line!: Float64Array;
  private bytes!: Uint8Array;
  /** Byte offsets in the memory of the state words, the span arrays and the input. */
  private readonly at: { state: number; line: number; lines: number; starts: number; ends: number; fieldCounts: number;
    rowStarts: number; rowEnds: number; mirrors: number; out: number; ok: number; scratch: number; buf: number };

  /** A tokenizer for runs of up to `capacity` rows of `numColumns` fields, or null without WebAssembly SIMD. */
  static create(capacity: number, numColumns: number): WasmTokenizer | null {
    const module = tokenizerModule();
    return module === null ? null : new WasmTokenizer(module, capacity, numColumns);
  }

  private constructor(private readonly module: WebAssembly.Module, readonly capacity: number,
      readonly numColumns: number) {
    let o = RESERVED;
    const take = (bytes: number) => {
      const start = o;
      o = (o + bytes + 7) & ~7;
      return start;
    };
    const fields = capacity * numColumns;
    this.at = {
      state: take(16), line: take(8), lines: take(8 * capacity), starts: take(4 * fields), ends: take(4 * fields),
      fieldCounts: take(4 * capacity), rowStarts: take(4 * capacity), rowEnds: take(4 * capacity),
      mirrors: take(MIRRORS * MIRROR_SIZE), out: take(4 * capacity), ok: take(capacity), scratch: take(SCRATCH), buf: take(0),
    };
    this.instantiate(FIRST_INPUT_BYTES);
  }

  /** A new memory with room for `inputBytes`, an instance over it, and views of it. */
  private instantiate(inputBytes: number): void {
    const memory = new WebAssembly.Memory({ initial: Math.ceil((this.at.buf + inputBytes + SLACK) / PAGE) });
    const exports = new WebAssembly.Instance(this.module, { env: { memory } }).exports as unknown as Exports;
    if ((exports.__heap_base.value as number) > RESERVED) throw new Error('the CSV tokenizer module outgrew its reserved memory');
    this.exports = exports;
    this.fn = exports.tokenize_rows;
    const buffer = memory.buffer, at = this.at, cap = this.capacity, fields = cap * this.numColumns;
    this.words = new Int32Array(buffer);
    this.memory8 = new Uint8Array(buffer);
    this.out = new Int32Array(buffer, at.out, cap);
    this.fast = { values: this.out, ok: new Uint8Array(buffer, at.ok, cap), misses: 0 };
    this.mirrors = new Map(); // a new memory: the mirrors start again
    this.state = new Int32Array(buffer, at.state, 3);
    this.line = new Float64Array(buffer, at.line, 1);
    this.bytes = new Uint8Array(buffer, at.buf, buffer.byteLength - at.buf - SLACK);
    this.spans = new RowSpans(cap, this.numColumns, {
      starts: new Int32Array(buffer, at.starts, fields), ends: new Int32Array(buffer, at.ends, fields),
      fieldCounts: new Int32Array(buffer, at.fieldCounts, cap), rowStarts: new Int32Array(buffer, at.rowStarts, cap),
      rowEnds: new Int32Array(buffer, at.rowEnds, cap), lines: new Float64Array(buffer, at.lines, cap),
    });
  }

  /** Copies `input` into the module's memory (its bytes are what `tokenize` reads from then on). */
  load(input: Uint8Array): void {
    if (input.length > this.bytes.length) this.instantiate(Math.max(input.length, 2 * this.bytes.length));
    this.bytes.set(input);
  }

  /** {@link tokenizeRows} over the loaded bytes `[cursor.pos, end)`, into `this.spans`. */
  tokenize(end: number, eof: boolean, d: DialectBytes, cursor: TokenizerCursor, maxRows: number): number {
    const spans = this.spans, state = this.state, at = this.at;
    state[0] = cursor.pos;
    state[1] = spans.rows;
    state[2] = spans.badRows;
    this.line[0] = cursor.line;
    const status = this.fn(at.buf, end, eof ? 1 : 0, d.delimiter, d.quote, d.escape, d.trimLeadingSpaces ? 1 : 0,
      d.comment, spans.numColumns, at.starts, at.ends, at.fieldCounts, at.rowStarts, at.rowEnds, at.lines,
      Math.min(maxRows, spans.capacity), at.state, at.line);
    cursor.pos = state[0];
    cursor.line = this.line[0];
    spans.rows = state[1];
    spans.badRows = state[2];
    return status;
  }

  dictionaryIds(spans: RowSpans, column: number, dictionary: ByteDictionary, nulls: NullTokens, quote: number):
      FastFields | null {
    if (spans !== this.spans) return null;
    const m = this.mirrorOf(dictionary, nulls);
    if (m === null) return null;
    this.fast.misses = this.exports.mirror_lookup(m.at, this.at.buf, this.at.starts, this.at.ends, spans.numColumns,
      column, spans.rows, quote, this.at.out);
    return this.fast;
  }

  int32Fields(spans: RowSpans, column: number): FastFields | null {
    if (spans !== this.spans) return null;
    const at = this.at;
    this.fast.misses = this.exports.int32_column(at.buf, at.starts, at.ends, spans.numColumns, column, spans.rows,
      at.out, at.ok);
    return this.fast;
  }

  /** The mirror of `dictionary`, with every entry it has now offered (those that fit, and are no null token). */
  private mirrorOf(dictionary: ByteDictionary, nulls: NullTokens): Mirror | null {
    let m = this.mirrors.get(dictionary);
    if (m === undefined) {
      if (this.mirrors.size >= MIRRORS) return null;
      const at = this.at.mirrors + this.mirrors.size * MIRROR_SIZE, w = this.words;
      const table = at + 48, hashes = table + 8 * MIRROR_ENTRIES, starts = hashes + 4 * MIRROR_ENTRIES;
      const lens = starts + 4 * MIRROR_ENTRIES, ids = lens + 4 * MIRROR_ENTRIES, bytes = ids + 4 * MIRROR_ENTRIES;
      // count, maxEntries, used, maxBytes, mask, table, hashes, starts, lens, ids, bytes (tokenizer.c's Mirror)
      w.set([0, MIRROR_ENTRIES, 0, MIRROR_BYTES, 2 * MIRROR_ENTRIES - 1, table, hashes, starts, lens, ids, bytes], at >> 2);
      m = { at, synced: 0, full: false, nulls };
      this.mirrors.set(dictionary, m);
    }
    if (m.nulls !== nulls) return null;
    for (; m.synced < dictionary.size && !m.full; m.synced++) {
      const entry = dictionary.entry(m.synced);
      if (entry.length === 0 || entry.length > SCRATCH || nulls.matches(entry, 0, entry.length)) continue;
      this.memory8.set(entry, this.at.scratch);
      if (this.exports.mirror_add(m.at, this.at.scratch, entry.length, m.synced) === 0) m.full = true;
    }
    return m;
  }
}
