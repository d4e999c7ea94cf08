import { BadFields, type ColumnBuilder } from './column-builder.ts';
import type { ColumnPlan } from './column-plan.ts';
import { delimiterHint, type DialectBytes } from './dialect.ts';
import { fieldText } from './field-text.ts';
import { rowText, type RowSpans } from './row-spans.ts';
import type { TokenizerCursor } from './tokenizer.ts';

/** A row the reader refuses: a ReadError's fields less the file (`column` and `value` for a field that did not convert). */
export interface BadRow {
  line: number;
  column?: string;
  value?: string;
  reason: string;
}

/** A run of tokenized rows: the bytes its spans point into, their dialect, and the delimiter (for hints). */
export interface Run {
  bytes: Uint8Array;
  spans: RowSpans;
  dialect: DialectBytes;
  delimiter: string;
}

/**
 * Appends runs to a reader's builders, leaving out bad rows: the rules CsvReader and the workers' ChunkTransformer
 * share, so that both give the same rows and the same errors.
 */
export class RunAppender {
  private readonly bad = new BadFields();

  /**
   * `plan`: every column of the file (for messages); `fields`: the field of a row each builder takes;
   * `withRaw`: rejected rows come with their raw text (for a quarantine file), else with ''.
   */
  constructor(private readonly plan: ColumnPlan, private readonly fields: readonly number[],
      private readonly withRaw: boolean) {}

  /**
   * Appends the run to every builder. A run with bad rows is handed to `reject` row by row in line order (it may
   * throw, under a fail policy) and appended again without them: a builder cannot take back a row in the middle.
   */
  append(run: Run, builders: readonly ColumnBuilder[], reject: (row: BadRow, raw: string) => void): void {
    const { bytes, spans } = run, bad = this.bad, fields = this.fields;
    const start = builders[0].length;
    bad.clear();
    for (let i = 0; i < builders.length; i++) builders[i].append(bytes, spans, fields[i], bad);
    if (spans.badRows === 0 && bad.size === 0) return;
    spans.removeRows(this.rejectBadRows(run, reject));
    bad.clear();
    for (let i = 0; i < builders.length; i++) {
      builders[i].truncate(start);
      builders[i].append(bytes, spans, fields[i], bad);
    }
  }

  /** Rejects each row with the wrong field count or a field that did not convert, in line order; returns the drop mask. */
  private rejectBadRows(run: Run, reject: (row: BadRow, raw: string) => void): Uint8Array {
    const { bytes, spans } = run, plan = this.plan, bad = this.bad;
    // Every error is built before the first is rejected, which may throw.
    const errors = new Map<number, BadRow>();
    for (let r = 0; r < spans.rows; r++) {
      const fields = spans.fieldCounts[r];
      if (fields === spans.numColumns) continue;
      const reason = fields < 0 ? 'unexpected text after a closing quote'
        : `expected ${spans.numColumns} fields, found ${fields}` +
          (fields === 1 ? delimiterHint(spanText(bytes, spans, r), run.delimiter) : '');
      errors.set(r, { line: spans.lines[r], reason });
    }
    for (let b = 0; b < bad.size; b++) {
      const r = bad.rows[b], j = bad.columns[b];
      if (errors.has(r)) continue;
      const k = r * spans.numColumns + j;
      const value = fieldText(bytes, spans.starts[k], spans.ends[k], run.dialect);
      const hint = plan.inferred[j] && bad.reasons[b] !== 'invalid UTF-8'
        ? ` (type ${plan.types[j]} was inferred from the first rows; set types: {"${plan.names[j]}": "utf8"} or another type)` : '';
      errors.set(r, { line: spans.lines[r], column: plan.names[j], value, reason: bad.reasons[b] + hint });
    }
    const drop = new Uint8Array(spans.rows);
    for (const r of [...errors.keys()].sort((a, b) => a - b)) {
      reject(errors.get(r)!, this.withRaw ? spanText(bytes, spans, r) : '');
      drop[r] = 1;
    }
    return drop;
  }
}

/** The input ends inside a quoted field: everything from the cursor's row to `end` is one bad row, `raw` its text. */
export function unterminatedRow(bytes: Uint8Array, end: number, cursor: TokenizerCursor): { row: BadRow; raw: string } {
  const raw = utf8.decode(bytes.subarray(cursor.pos, end));
  return { row: { line: cursor.line, reason: 'unterminated quote: the file ends inside a quoted field' }, raw };
}

const utf8 = new TextDecoder();

function spanText(bytes: Uint8Array, spans: RowSpans, r: number): string {
  return rowText(bytes, spans.rowStarts[r], spans.rowEnds[r]);
}
