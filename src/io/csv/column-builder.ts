import type { Data, DataType } from 'apache-arrow';
import type { ByteDictionary } from './byte-dictionary.ts';
import type { DialectBytes } from './dialect.ts';
import type { NullTokens } from './field-text.ts';
import type { RowSpans } from './row-spans.ts';

/** What every builder needs to read a field: batch capacity, dialect (for quoted fields) and null tokens. */
export interface BuilderContext {
  capacity: number;
  dialect: DialectBytes;
  nulls: NullTokens;
  /** Finds the common fields of a run faster (the WebAssembly tokenizer, whose spans the run is in). */
  accelerator?: FieldAccelerator | null;
}

/** Bulk conversion of the plain fields of a run; the builder converts the rest (and checks `spans` is ours). */
export interface FieldAccelerator {
  /**
   * For rows `[0, spans.rows)`: `values[r]` is the dictionary id of field `column` when it is unquoted, not a
   * null token and already in `dictionary`, else -1 (`misses` of them); null when `spans` are not the
   * accelerator's or it cannot help. The result is valid until the next call.
   */
  dictionaryIds(spans: RowSpans, column: number, dictionary: ByteDictionary, nulls: NullTokens, quote: number):
    FastFields | null;
  /**
   * For rows `[0, spans.rows)`: `ok[r]` is 1 when field `column` is a plain integer that parseInt32Into reads as
   * `values[r]`; 0 (`misses` of them) leaves the field to the builder. Null when `spans` are not the accelerator's.
   */
  int32Fields(spans: RowSpans, column: number): FastFields | null;
}

/** What an accelerator converted: values by row of the run, which rows (ok, for int32), and how many it left. */
export interface FastFields {
  values: Int32Array;
  ok: Uint8Array;
  misses: number;
}

/** Fields that a builder could not convert, by row of the current run: collected, then rejected by the reader. */
export class BadFields {
  readonly rows: number[] = [];
  readonly columns: number[] = [];
  readonly reasons: string[] = [];

  report(row: number, column: number, reason: string): void {
    this.rows.push(row);
    this.columns.push(column);
    this.reasons.push(reason);
  }

  get size(): number {
    return this.rows.length;
  }

  clear(): void {
    this.rows.length = this.columns.length = this.reasons.length = 0;
  }
}

/**
 * Turns one CSV column of tokenized rows into Arrow data, batch by batch. The reader appends runs of rows;
 * when a run holds bad rows it truncates every builder back to the run's start and appends the run again
 * without them, so no builder ever has to delete a row in the middle.
 */
export interface ColumnBuilder {
  readonly type: DataType;
  /** Rows in the current batch. */
  readonly length: number;
  /** Converts field `column` of every row in `spans`, reporting the fields it cannot convert to `bad`. */
  append(buf: Uint8Array, spans: RowSpans, column: number, bad: BadFields): void;
  /** Forgets the rows from `length` on. */
  truncate(length: number): void;
  /** Returns the current batch and starts the next one. */
  finish(): Data;
}

/**
 * Validity of one batch as one byte per row, allocated at the first null (most columns have none), and
 * packed into Arrow's bitmap by `finish`.
 */
export class Validity {
  valid: Uint8Array | null = null;

  constructor(private readonly capacity: number) {}

  setNull(i: number): void {
    if (this.valid === null) this.valid = new Uint8Array(this.capacity).fill(1);
    this.valid[i] = 0;
  }

  /** Arrow's validity bitmap and null count for rows `[0, length)`, then resets for the next batch. */
  finish(length: number): { nullBitmap: Uint8Array; nullCount: number } {
    const valid = this.valid;
    this.valid = null;
    if (valid === null) return { nullBitmap: new Uint8Array(0), nullCount: 0 };
    const bitmap = new Uint8Array((length + 7) >> 3);
    let nullCount = 0;
    for (let i = 0; i < length; i++) {
      if (valid[i] === 1) bitmap[i >> 3] |= 1 << (i & 7);
      else nullCount++;
    }
    return { nullBitmap: nullCount === 0 ? new Uint8Array(0) : bitmap, nullCount };
  }
}
