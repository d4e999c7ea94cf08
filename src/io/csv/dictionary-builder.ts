import { Dictionary, Int32, makeData, Utf8, type Data } from 'apache-arrow';
import type { ByteDictionary } from './byte-dictionary.ts';
import { type BadFields, type BuilderContext, type ColumnBuilder, Validity } from './column-builder.ts';
import { isQuoted, unquoteInto } from './field-text.ts';
import type { RowSpans } from './row-spans.ts';

/** The Arrow type of dictionary-encoded string columns: Dictionary<Utf8, Int32>. */
export function dictionaryType(): Dictionary<Utf8, Int32> {
  return new Dictionary(new Utf8(), new Int32());
}

/**
 * Dictionary-encoded string column: each field is looked up by its bytes in a dictionary that outlives the
 * batch (and the file, when several files make one stream), so keys mean the same value in every batch.
 */
export class DictionaryBuilder implements ColumnBuilder {
  length = 0;
  private keys: Int32Array;
  private readonly validity: Validity;
  private scratch = new Uint8Array(64);

  constructor(private readonly ctx: BuilderContext, readonly type: Dictionary<Utf8, Int32>,
      private readonly dictionary: ByteDictionary) {
    this.keys = new Int32Array(ctx.capacity);
    this.validity = new Validity(ctx.capacity);
  }

  append(buf: Uint8Array, spans: RowSpans, column: number, bad: BadFields): void {
    const n = spans.rows, stride = spans.numColumns, starts = spans.starts, ends = spans.ends;
    const keys = this.keys, base = this.length, quote = this.ctx.dialect.quote, nulls = this.ctx.nulls;
    const dictionary = this.dictionary;
    const fast = this.ctx.accelerator?.dictionaryIds(spans, column, dictionary, nulls, quote) ?? null;
    if (fast !== null && fast.misses === 0) { // every field found: one copy
      keys.set(fast.values.subarray(0, n), base);
      if (this.validity.valid !== null) this.validity.valid.fill(1, base, base + n);
      this.length = base + n;
      return;
    }
    const ids = fast?.values ?? null;
    for (let r = 0; r < n; r++) {
      const i = base + r;
      if (ids !== null) {
        const found = ids[r];
        if (found >= 0) {
          keys[i] = found;
          if (this.validity.valid !== null) this.validity.valid[i] = 1;
          continue;
        }
      }
      const k = r * stride + column, s = starts[k], e = ends[k];
      let id: number;
      if (isQuoted(buf, s, e, quote)) {
        id = this.idOfQuoted(buf, s, e);
      } else if (nulls.matches(buf, s, e)) {
        this.validity.setNull(i);
        continue;
      } else {
        id = dictionary.idOf(buf, s, e);
      }
      if (id < 0) bad.report(r, column, 'invalid UTF-8');
      keys[i] = id;
      if (this.validity.valid !== null) this.validity.valid[i] = 1;
    }
    this.length = base + n;
  }

  private idOfQuoted(buf: Uint8Array, s: number, e: number): number {
    if (this.scratch.length < e - s) this.scratch = new Uint8Array(e - s);
    const n = unquoteInto(buf, s, e, this.ctx.dialect, this.scratch, 0);
    return this.dictionary.idOf(this.scratch, 0, n);
  }

  truncate(length: number): void {
    this.length = length;
  }

  finish(): Data {
    const { nullBitmap, nullCount } = this.validity.finish(this.length);
    const data = makeData({ type: this.type, length: this.length, nullCount, nullBitmap,
      data: this.keys.subarray(0, this.length), dictionary: this.dictionary.toVector() });
    this.keys = new Int32Array(this.ctx.capacity);
    this.length = 0;
    return data;
  }
}
