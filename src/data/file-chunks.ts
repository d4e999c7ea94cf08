import { type ByteReader, openBytes } from '../io/byte-reader.ts';
import { type ColumnPlan, makePlan } from '../io/csv/column-plan.ts';
import type { CsvOptions } from '../io/csv/csv-options.ts';
import { type CsvHead, readHead } from '../io/csv/csv-head.ts';
import { delimiterHint } from '../io/csv/dialect.ts';
import { NullTokens } from '../io/csv/field-text.ts';
import { inferColumnTypes } from '../io/csv/infer-types.ts';
import { InputBuffer } from '../io/csv/input-buffer.ts';
import { RowSpans } from '../io/csv/row-spans.ts';
import { TOKENIZE, tokenizeRows } from '../io/csv/tokenizer.ts';
import { ReadError } from '../io/errors.ts';
import { RUN_ROWS } from './chunk-transformer.ts';
import { lastRowBoundary } from './row-boundary.ts';

/** A CSV file whose head (BOM, dialect, header) is read; `input.cursor` is at its first data row. */
export interface OpenedCsv {
  file: string;
  reader: ByteReader;
  input: InputBuffer;
  head: CsvHead;
}

export async function openCsv(file: string, options: CsvOptions, maxRowBytes: number): Promise<OpenedCsv> {
  const reader = await openBytes(file);
  const input = new InputBuffer(reader, file, maxRowBytes);
  try {
    const head = await readHead(input, options, file);
    return { file, reader, input, head };
  } catch (err) {
    await input.close();
    throw err;
  }
}

/**
 * The column plan readCsv would make for this file: the same sample (the rows of the first run that the
 * first read holds, at most min(8192, batchSize)), the same inference and overrides. `rows`: how many
 * rows the sample had (a file with a header and no rows tells nothing about types).
 * The input's cursor stays at the first data row.
 */
export async function inferPlan(opened: OpenedCsv, options: CsvOptions, batchSize: number):
    Promise<{ plan: ColumnPlan; rows: number; rowBytes: number }> {
  const { input, head, file } = opened;
  const names = head.names ?? [];
  const spans = new RowSpans(Math.min(RUN_ROWS, batchSize), names.length);
  if (names.length > 0) {
    for (;;) {
      spans.clear();
      const cursor = { ...input.cursor };
      const status = tokenizeRows(input.buf, input.end, input.eof, head.bytes, spans, cursor, spans.capacity);
      if (status !== TOKENIZE.NEED_MORE || spans.rows > 0) break;
      await input.fill();
    }
  }
  const overrides = options.types ?? {};
  for (const name of Object.keys(overrides)) {
    if (names.length > 0 && !names.includes(name)) {
      const hint = names.length === 1 ? delimiterHint(head.firstLine, head.dialect.delimiter) : '';
      throw new ReadError({ file, line: 1 },
        `types names column "${name}", which the file does not have (columns: ${names.join(', ')})${hint}`);
    }
  }
  const inferred = inferColumnTypes(input.buf, spans, head.bytes, new NullTokens(options.nullValues ?? ['']));
  const types = names.map((name, j) => overrides[name] ?? inferred[j]);
  const rowBytes = spans.rows === 0 ? 0 : (spans.rowEnds[spans.rows - 1] + 1 - spans.rowStarts[0]) / spans.rows;
  return { plan: makePlan(file, names, types, names.map((name) => overrides[name] === undefined)), rows: spans.rows, rowBytes };
}

/** A later file of a stream must have the first file's columns (CsvReader.continuePlan's check). */
export function checkSameColumns(opened: OpenedCsv, plan: ColumnPlan): void {
  const names = opened.head.names;
  if (names === null) return;
  const same = names.length === plan.names.length && names.every((n, j) => n === plan.names[j]);
  if (!same) {
    const hint = names.length === 1 ? delimiterHint(opened.head.firstLine, opened.head.dialect.delimiter) : '';
    throw new ReadError({ file: opened.file, line: 1 }, `columns (${names.join(', ')}) differ from those of ` +
      `${plan.source} (${plan.names.join(', ')})${hint}`);
  }
}

/** Thrown when no row ends within maxRowBytes; the stream turns it into a ReadError at that row's line. */
export class RowTooLong {
  constructor(readonly file: string, readonly maxRowBytes: number) {}

  toReadError(line: number): ReadError {
    return new ReadError({ file: this.file, line },
      `row longer than maxRowBytes (${this.maxRowBytes} bytes): an unterminated quote, or raise maxRowBytes`);
  }
}

/**
 * Chunk buffers, reused once a worker hands them back, so steady state allocates none. Shared (for workers:
 * sent without a copy or a transfer) or plain (one thread).
 */
export class BufferPool {
  private readonly free: (ArrayBuffer | SharedArrayBuffer)[] = [];

  constructor(private readonly max: number, private readonly shared: boolean) {}

  take(size: number): Uint8Array {
    const i = this.free.findIndex((b) => b.byteLength >= size && b.byteLength <= size * 2);
    return new Uint8Array(i >= 0 ? this.free.splice(i, 1)[0] : this.shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size));
  }

  give(buffer: ArrayBuffer | SharedArrayBuffer | null): void {
    if (buffer !== null && buffer.byteLength > 0 && this.free.length < this.max) this.free.push(buffer);
  }
}

/**
 * The data rows of an opened file as chunks of whole rows, about `chunkBytes` each: reads fill a buffer,
 * the quote-aware scan finds the last row end, and the partial row after it starts the next buffer, whose
 * read runs while the consumer works on this chunk. Gzip'd files are decompressed by the reader as they
 * stream. The last chunk is the rest of the file, even when it does not end with a line break (or ends
 * inside a quote: the tokenizer then rejects that row). Throws RowTooLong when no row ends within `maxRowBytes`.
 */
export async function* fileChunks(opened: OpenedCsv, buffers: BufferPool, chunkBytes: number, maxRowBytes: number,
    profile: { read: number; scan: number } | null = null): AsyncGenerator<{ buffer: ArrayBuffer | SharedArrayBuffer; length: number }> {
  const { input, reader, head } = opened;
  // What the head's read holds after the header is served first, then the file.
  let held: Uint8Array = input.buf.subarray(input.cursor.pos, input.end);
  let eof = false;
  /** Reads into `buf` from `n` until it is full or the input ends; resolves the new fill. */
  const fill = async (buf: Uint8Array, n: number): Promise<number> => {
    while (n < buf.length && !eof) {
      let got: number;
      if (held.length > 0) {
        got = Math.min(held.length, buf.length - n);
        buf.set(held.subarray(0, got), n);
        held = held.subarray(got);
      } else {
        got = input.eof ? 0 : await reader.read(buf, n, buf.length - n);
      }
      if (got === 0) eof = true;
      n += got;
    }
    return n;
  };
  /** Starts a fill; a read error waits for the await below instead of being an unhandled rejection meanwhile. */
  const startFill = (into: Uint8Array, n: number): Promise<number> => {
    const promise = fill(into, n);
    promise.catch(() => 0);
    return promise;
  };
  let buf = buffers.take(chunkBytes);
  let filling = startFill(buf, 0);
  try {
    for (;;) {
      const t0 = profile ? performance.now() : 0;
      const n = await filling;
      if (profile) profile.read += performance.now() - t0;
      if (eof) {
        if (n > 0) yield { buffer: buf.buffer, length: n };
        else buffers.give(buf.buffer);
        return;
      }
      const t1 = profile ? performance.now() : 0;
      const end = lastRowBoundary(buf, 0, n, head.bytes);
      if (profile) profile.scan += performance.now() - t1;
      if (end === 0) {
        // No row ends in the buffer: a long row (or an unterminated quote); grow it and read on.
        if (n >= maxRowBytes) throw new RowTooLong(opened.file, maxRowBytes);
        const bigger = buffers.take(buf.length * 2);
        bigger.set(buf.subarray(0, n));
        buffers.give(buf.buffer);
        buf = bigger;
        filling = startFill(buf, n);
        continue;
      }
      let size = chunkBytes;
      while (size < (n - end) * 2) size *= 2;
      const next = buffers.take(size);
      next.set(buf.subarray(end, n));
      filling = startFill(next, n - end);
      yield { buffer: buf.buffer, length: end };
      buf = next;
    }
  } finally {
    await filling.catch(() => 0); // a consumer that stopped early: the read in flight ends before the file closes
  }
}
