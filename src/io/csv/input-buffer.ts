import type { ByteReader } from '../byte-reader.ts';
import { ReadError } from '../errors.ts';
import type { TokenizerCursor } from './tokenizer.ts';

/** Reads start with this much; the buffer doubles only while one row does not fit. */
export const INITIAL_BUFFER_BYTES = 1 << 20;
export const DEFAULT_MAX_ROW_BYTES = 32 << 20;

/**
 * The window of the file the tokenizer works on: bytes `[0, end)` of `buf`, of which `[cursor.pos, end)`
 * are not yet tokenized. Refilling moves the unread tail to the front, so spans into `buf` are valid only
 * until the next `fill()`.
 */
export class InputBuffer {
  buf = new Uint8Array(INITIAL_BUFFER_BYTES);
  end = 0;
  eof = false;
  readonly cursor: TokenizerCursor = { pos: 0, line: 1 };

  constructor(private readonly reader: ByteReader, private readonly file: string,
      private readonly maxRowBytes: number) {}

  /**
   * Keeps the unread tail, grows the buffer when that tail (one incomplete row) fills it, then reads until
   * the buffer is full or the input ends. A row longer than `maxRowBytes` is an error (most often a quote
   * that is never closed), so memory stays bounded.
   */
  async fill(): Promise<void> {
    const pos = this.cursor.pos;
    if (this.end - pos >= this.maxRowBytes) {
      throw new ReadError({ file: this.file, line: this.cursor.line },
        `row longer than maxRowBytes (${this.maxRowBytes} bytes): an unterminated quote, or raise maxRowBytes`);
    }
    if (pos > 0) {
      this.buf.copyWithin(0, pos, this.end);
      this.end -= pos;
      this.cursor.pos = 0;
    } else if (this.end === this.buf.length) {
      const bigger = new Uint8Array(Math.min(this.buf.length * 2, Math.max(this.maxRowBytes, this.buf.length)));
      bigger.set(this.buf.subarray(0, this.end));
      this.buf = bigger;
    }
    while (this.end < this.buf.length && !this.eof) {
      const n = await this.reader.read(this.buf, this.end, this.buf.length - this.end);
      if (n === 0) this.eof = true;
      this.end += n;
    }
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
