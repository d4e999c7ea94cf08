import { isUtf8 } from 'node:buffer';
import { makeData, Utf8, type Data } from 'apache-arrow';
import { grow } from '../../kernels/grow.ts';
import { type BadFields, type BuilderContext, type ColumnBuilder, Validity } from './column-builder.ts';
import { isQuoted, unquoteInto } from './field-text.ts';
import type { RowSpans } from './row-spans.ts';

/** Below this length a byte loop beats `set(subarray())`, which allocates a view per field. */
const SHORT_FIELD = 32;

/** Plain Utf8 column: bytes are copied as they are and validated as UTF-8 once per run, not per field. */
export class Utf8Builder implements ColumnBuilder {
  readonly type = new Utf8();
  length = 0;
  private offsets: Int32Array;
  private bytes: Uint8Array;
  private readonly validity: Validity;

  constructor(private readonly ctx: BuilderContext) {
    this.offsets = new Int32Array(ctx.capacity + 1);
    this.bytes = new Uint8Array(1 << 16);
    this.validity = new Validity(ctx.capacity);
  }

  append(buf: Uint8Array, spans: RowSpans, column: number, bad: BadFields): void {
    const n = spans.rows, stride = spans.numColumns, starts = spans.starts, ends = spans.ends;
    const offsets = this.offsets, base = this.length, quote = this.ctx.dialect.quote, nulls = this.ctx.nulls;
    const runStart = offsets[base];
    let o = runStart;
    for (let r = 0; r < n; r++) {
      const k = r * stride + column, s = starts[k], e = ends[k], i = base + r;
      if (o + (e - s) > this.bytes.length) this.bytes = grow(this.bytes, o + (e - s), o);
      const bytes = this.bytes;
      if (isQuoted(buf, s, e, quote)) {
        o = unquoteInto(buf, s, e, this.ctx.dialect, bytes, o);
      } else if (nulls.matches(buf, s, e)) {
        this.validity.setNull(i);
        offsets[i + 1] = o;
        continue;
      } else if (e - s < SHORT_FIELD) {
        for (let p = s; p < e; p++) bytes[o++] = buf[p];
      } else {
        bytes.set(buf.subarray(s, e), o);
        o += e - s;
      }
      if (this.validity.valid !== null) this.validity.valid[i] = 1;
      offsets[i + 1] = o;
    }
    this.length = base + n;
    if (!isUtf8(this.bytes.subarray(runStart, o))) this.reportInvalidUtf8(base, n, column, bad);
  }

  private reportInvalidUtf8(base: number, n: number, column: number, bad: BadFields): void {
    for (let r = 0; r < n; r++) {
      if (!isUtf8(this.bytes.subarray(this.offsets[base + r], this.offsets[base + r + 1]))) {
        bad.report(r, column, 'invalid UTF-8');
      }
    }
  }

  truncate(length: number): void {
    this.length = length;
  }

  finish(): Data {
    const { nullBitmap, nullCount } = this.validity.finish(this.length);
    const used = this.offsets[this.length];
    const data = makeData({ type: this.type, length: this.length, nullCount, nullBitmap,
      valueOffsets: this.offsets.subarray(0, this.length + 1), data: this.bytes.subarray(0, used) });
    this.offsets = new Int32Array(this.ctx.capacity + 1);
    // Start the next batch about as large as this one, so steady state needs no growing.
    this.bytes = new Uint8Array(Math.max(1 << 16, used));
    this.length = 0;
    return data;
  }
}
