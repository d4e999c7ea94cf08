import { Float32, Float64, Int32, makeData, type Data, type DataType } from 'apache-arrow';
import { type BadFields, type BuilderContext, type ColumnBuilder, Validity } from './column-builder.ts';
import { isQuoted, unquoteInto } from './field-text.ts';
import { PARSED_INT, parseFloatInto, parseInt32Into } from './parse-number.ts';
import type { RowSpans } from './row-spans.ts';

/**
 * The rare fields of a numeric column: quoted numbers are parsed from their content, null tokens become
 * nulls, anything else is reported. Returns the span to parse, or null when the field is settled.
 */
function unusualField(buf: Uint8Array, s: number, e: number, ctx: BuilderContext, scratch: { bytes: Uint8Array }):
    Uint8Array | null {
  if (!isQuoted(buf, s, e, ctx.dialect.quote)) return null;
  if (scratch.bytes.length < e - s) scratch.bytes = new Uint8Array(e - s);
  const n = unquoteInto(buf, s, e, ctx.dialect, scratch.bytes, 0);
  return scratch.bytes.subarray(0, n);
}

/** Int32 column: integers only, in the int32 range; `1.5` or `12abc` are reported as bad fields. */
export class Int32Builder implements ColumnBuilder {
  readonly type: DataType = new Int32();
  length = 0;
  private values: Int32Array;
  private readonly validity: Validity;
  private readonly scratch = { bytes: new Uint8Array(64) };

  constructor(private readonly ctx: BuilderContext) {
    this.values = new Int32Array(ctx.capacity);
    this.validity = new Validity(ctx.capacity);
  }

  append(buf: Uint8Array, spans: RowSpans, column: number, bad: BadFields): void {
    const n = spans.rows, stride = spans.numColumns, starts = spans.starts, ends = spans.ends;
    const values = this.values, base = this.length;
    const fast = this.ctx.accelerator?.int32Fields(spans, column) ?? null;
    if (fast !== null && fast.misses === 0) { // every field plain: one copy
      values.set(fast.values.subarray(0, n), base);
      if (this.validity.valid !== null) this.validity.valid.fill(1, base, base + n);
      this.length = base + n;
      return;
    }
    const fastValues = fast?.values, fastOk = fast?.ok;
    for (let r = 0; r < n; r++) {
      const k = r * stride + column, i = base + r;
      if (fastOk !== undefined && fastOk[r] === 1) {
        values[i] = fastValues![r];
        if (this.validity.valid !== null) this.validity.valid[i] = 1;
        continue;
      }
      const code = parseInt32Into(buf, starts[k], ends[k], values, i);
      if (code === PARSED_INT.OK) {
        if (this.validity.valid !== null) this.validity.valid[i] = 1;
      } else {
        this.appendUnusual(buf, starts[k], ends[k], i, code, r, column, bad);
      }
    }
    this.length = base + n;
  }

  private appendUnusual(buf: Uint8Array, s: number, e: number, i: number, code: number, r: number,
      column: number, bad: BadFields): void {
    const content = unusualField(buf, s, e, this.ctx, this.scratch);
    if (content !== null) code = parseInt32Into(content, 0, content.length, this.values, i);
    else if (this.ctx.nulls.matches(buf, s, e)) return this.validity.setNull(i);
    if (code === PARSED_INT.OK) {
      if (this.validity.valid !== null) this.validity.valid[i] = 1;
    } else if (content !== null && this.ctx.nulls.matches(content, 0, content.length)) {
      this.validity.setNull(i);
    } else {
      bad.report(r, column, code === PARSED_INT.OUT_OF_RANGE
        ? 'integer out of the int32 range (override the type with float64)' : 'expected an integer');
    }
  }

  truncate(length: number): void {
    this.length = length;
  }

  finish(): Data {
    const { nullBitmap, nullCount } = this.validity.finish(this.length);
    const data = makeData({ type: new Int32(), length: this.length, nullCount, nullBitmap,
      data: this.values.subarray(0, this.length) });
    this.values = new Int32Array(this.ctx.capacity);
    this.length = 0;
    return data;
  }
}

/** Float64 or Float32 column: decimal numbers, exponents, `inf` and `nan`. */
export class FloatBuilder implements ColumnBuilder {
  readonly type: Float32 | Float64;
  length = 0;
  private values: Float64Array | Float32Array;
  private readonly validity: Validity;
  private readonly scratch = { bytes: new Uint8Array(64) };

  constructor(private readonly ctx: BuilderContext, private readonly precision: 'float32' | 'float64') {
    this.type = precision === 'float32' ? new Float32() : new Float64();
    this.values = this.newValues();
    this.validity = new Validity(ctx.capacity);
  }

  private newValues(): Float64Array | Float32Array {
    return this.precision === 'float32' ? new Float32Array(this.ctx.capacity) : new Float64Array(this.ctx.capacity);
  }

  append(buf: Uint8Array, spans: RowSpans, column: number, bad: BadFields): void {
    const n = spans.rows, stride = spans.numColumns, starts = spans.starts, ends = spans.ends;
    const values = this.values, base = this.length;
    for (let r = 0; r < n; r++) {
      const k = r * stride + column, i = base + r;
      if (parseFloatInto(buf, starts[k], ends[k], values, i)) {
        if (this.validity.valid !== null) this.validity.valid[i] = 1;
      } else {
        this.appendUnusual(buf, starts[k], ends[k], i, r, column, bad);
      }
    }
    this.length = base + n;
  }

  private appendUnusual(buf: Uint8Array, s: number, e: number, i: number, r: number, column: number,
      bad: BadFields): void {
    const content = unusualField(buf, s, e, this.ctx, this.scratch);
    if (content === null) {
      if (this.ctx.nulls.matches(buf, s, e)) this.validity.setNull(i);
      else bad.report(r, column, 'expected a number');
    } else if (parseFloatInto(content, 0, content.length, this.values, i)) {
      if (this.validity.valid !== null) this.validity.valid[i] = 1;
    } else if (this.ctx.nulls.matches(content, 0, content.length)) {
      this.validity.setNull(i);
    } else {
      bad.report(r, column, 'expected a number');
    }
  }

  truncate(length: number): void {
    this.length = length;
  }

  finish(): Data {
    const { nullBitmap, nullCount } = this.validity.finish(this.length);
    const data = makeData({ type: this.type, length: this.length, nullCount, nullBitmap,
      data: this.values.subarray(0, this.length) });
    this.values = this.newValues();
    this.length = 0;
    return data;
  }
}
