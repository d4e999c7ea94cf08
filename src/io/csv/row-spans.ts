/** The arrays of a {@link RowSpans}, for spans that live in memory owned by someone else. */
export interface RowSpanArrays {
  starts: Int32Array;
  ends: Int32Array;
  fieldCounts: Int32Array;
  rowStarts: Int32Array;
  rowEnds: Int32Array;
  lines: Float64Array;
}

/**
 * Where each field of a run of tokenized rows lies in the read buffer, as byte offsets `[start, end)`,
 * row-major with `numColumns` slots per row. A quoted field's span includes its quotes, so a reader can
 * tell `""` (an empty string) from an empty field. Allocated once per reader and reused for every run.
 */
export class RowSpans {
  rows = 0;
  /** Rows whose field count is not `numColumns` (or that have text after a closing quote). */
  badRows = 0;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** Fields found in each row; -1 marks text after a closing quote. */
  readonly fieldCounts: Int32Array;
  /** The raw bytes of each row, line break excluded, for error messages and quarantine. */
  readonly rowStarts: Int32Array;
  readonly rowEnds: Int32Array;
  /** 1-based line on which each row starts. */
  readonly lines: Float64Array;

  /** `arrays`: where the spans live (the WebAssembly tokenizer's memory); default new arrays of the capacity. */
  constructor(readonly capacity: number, readonly numColumns: number, arrays?: RowSpanArrays) {
    this.starts = arrays?.starts ?? new Int32Array(capacity * numColumns);
    this.ends = arrays?.ends ?? new Int32Array(capacity * numColumns);
    this.fieldCounts = arrays?.fieldCounts ?? new Int32Array(capacity);
    this.rowStarts = arrays?.rowStarts ?? new Int32Array(capacity);
    this.rowEnds = arrays?.rowEnds ?? new Int32Array(capacity);
    this.lines = arrays?.lines ?? new Float64Array(capacity);
  }

  clear(): void {
    this.rows = 0;
    this.badRows = 0;
  }

  /** Drops the rows whose `drop[r]` is 1, keeping the others in order (the rare bad-row path). */
  removeRows(drop: Uint8Array): void {
    const c = this.numColumns;
    let kept = 0;
    for (let r = 0; r < this.rows; r++) {
      if (drop[r] === 1) continue;
      if (kept !== r) {
        this.starts.copyWithin(kept * c, r * c, (r + 1) * c);
        this.ends.copyWithin(kept * c, r * c, (r + 1) * c);
        this.fieldCounts[kept] = this.fieldCounts[r];
        this.rowStarts[kept] = this.rowStarts[r];
        this.rowEnds[kept] = this.rowEnds[r];
        this.lines[kept] = this.lines[r];
      }
      kept++;
    }
    this.rows = kept;
    this.badRows = 0;
  }
}

const utf8 = new TextDecoder();

/** A row's raw text, bytes start..end without the line break's CR (for messages and quarantine files). */
export function rowText(bytes: Uint8Array, start: number, end: number): string {
  if (end > start && bytes[end - 1] === 13) end--;
  return utf8.decode(bytes.subarray(start, end));
}
