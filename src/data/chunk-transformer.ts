import { makeData, RecordBatch, Struct, Table } from 'apache-arrow';
import { RunAppender, unterminatedRow } from '../io/csv/bad-rows.ts';
import type { ColumnBuilder } from '../io/csv/column-builder.ts';
import { type ColumnPlan, makeBuilders, makePlan } from '../io/csv/column-plan.ts';
import type { DialectBytes } from '../io/csv/dialect.ts';
import { NullTokens } from '../io/csv/field-text.ts';
import { rowText, RowSpans } from '../io/csv/row-spans.ts';
import { TOKENIZE, type TokenizerCursor, tokenizeRows } from '../io/csv/tokenizer.ts';
import { WasmTokenizer } from '../io/csv/wasm-tokenizer.ts';
import { grow } from '../kernels/grow.ts';
import { fromConfig } from '../spec/config.ts';
import { DataError } from '../spec/errors.ts';
import { concatFeatureBatches, type FeatureBatch } from '../tensor/feature-batch.ts';
import { compile, type FeatureGraph, type OutputAllocator } from '../tensor/feature-graph.ts';
import { type BadLabel, LabelReader } from './labels.ts';
import { transformAroundBadRows } from './transform-around-bad-rows.ts';
import type { ChunkOutcome, ChunkTask, ChunkTimings, RejectRecord, TransformInit, WireBatch } from './messages.ts';

/** Rows tokenized per run, as the CSV reader does: the spans stay small and in cache. */
export const RUN_ROWS = 8192;

/** Builders of one dialect (files of a stream may differ in dialect; they share the plan and dictionaries). */
interface Builders {
  dialect: DialectBytes;
  list: ColumnBuilder[];
}

/** Where each output row of a chunk came from: its line, and its raw bytes for quarantine. */
class RowOrigins {
  lines = new Float64Array(1 << 12);
  starts = new Int32Array(1 << 12);
  ends = new Int32Array(1 << 12);
  size = 0;

  clear(): void {
    this.size = 0;
  }

  /** Appends rows `[0, spans.rows)` of a run (after its bad rows were removed). */
  addRun(spans: RowSpans): void {
    const n = spans.rows;
    if (this.size + n > this.lines.length) {
      this.lines = grow(this.lines, this.size + n, this.size);
      this.starts = grow(this.starts, this.size + n, this.size);
      this.ends = grow(this.ends, this.size + n, this.size);
    }
    this.lines.set(spans.lines.subarray(0, n), this.size);
    this.starts.set(spans.rowStarts.subarray(0, n), this.size);
    this.ends.set(spans.rowEnds.subarray(0, n), this.size);
    this.size += n;
  }
}

/** Thrown inside a chunk under the 'fail' policy to stop it at its first bad row. */
class StopChunk {}

/**
 * Parses a chunk of CSV rows with a fixed column plan and transforms it with a compiled graph: what each
 * worker runs (and the main thread itself with one worker). The parsing mirrors CsvReader run for run
 * (same tokenizer, builders, bad-row rules and messages), so a chunk gives the rows, values and errors that
 * reading the file with readCsv gives. Bad rows are reported with lines counted from the chunk's start.
 */
export class ChunkTransformer {
  /** Every column of the file (names, types and inferred flags for error messages). */
  readonly plan: ColumnPlan;
  /** The columns converted to Arrow: those the spec and label read, or all of them. */
  private readonly converted: ColumnPlan;
  /** For each converted column, its field index in a row. */
  private readonly fields: readonly number[];
  readonly graph: FeatureGraph;
  private readonly nulls: NullTokens;
  /** The spans of the run being converted (the WebAssembly tokenizer's, which `load` may replace). */
  private spans: RowSpans;
  /** The WebAssembly tokenizer (each chunk is copied into it once), or null: tokenizeRows in JS. */
  private readonly wasm: WasmTokenizer | null;
  private readonly builders: Builders[] = [];
  private readonly appender: RunAppender;
  private readonly origins = new RowOrigins();
  private readonly labels: LabelReader | null;
  /** Stage times of the chunk being processed (only with `profile`). */
  private timings: ChunkTimings | null = null;

  /** `allocate`: where output arrays come from (a worker's SharedArena); default plain typed arrays. */
  constructor(private readonly init: TransformInit, private readonly allocate: OutputAllocator | null = null) {
    this.plan = makePlan(init.planSource, init.names, init.types, init.inferred);
    this.fields = init.convert ?? init.names.map((_, j) => j);
    const pick = <T>(list: readonly T[]) => this.fields.map((j) => list[j]);
    this.converted = init.convert === null ? this.plan
      : makePlan(init.planSource, pick(init.names), pick(init.types), pick(init.inferred));
    // Compiled against the file's schema; the executor finds each feature by name in the (converted) batches.
    this.graph = compile(fromConfig(init.spec), this.plan.schema, { hash: init.hash });
    this.nulls = new NullTokens(init.nullValues);
    const runRows = Math.min(RUN_ROWS, init.batchSize);
    this.wasm = init.tokenizer === 'js' ? null : WasmTokenizer.create(runRows, init.names.length);
    this.spans = this.wasm?.spans ?? new RowSpans(runRows, init.names.length);
    this.appender = new RunAppender(this.plan, this.fields, init.policy === 'quarantine');
    this.labels = init.label === null ? null : new LabelReader(init.label, this.converted.names.indexOf(init.label.key));
  }

  /** Parses and transforms one chunk. The outcome's arrays are new (except with reuseBuffers, inline). */
  process(task: ChunkTask): ChunkOutcome {
    const bytes = new Uint8Array(task.buffer, 0, task.length);
    const outcome: ChunkOutcome = {
      index: task.index, lines: 0, rowsIn: 0, rowsOut: 0, rejected: [], batch: null, labels: null, buffer: task.buffer,
    };
    this.timings = this.init.profile ? { tokenize: 0, build: 0, labels: 0, transform: 0, sentAt: 0, transfer: 0 } : null;
    if (this.timings) outcome.timings = this.timings;
    try {
      const batches = this.parse(bytes, task, outcome);
      this.transform(bytes, batches, outcome);
      // The reader's, the label's and the transform's rejections, in line order.
      if (outcome.rejected.length > 1) outcome.rejected.sort((a, b) => a.line - b.line);
    } catch (err) {
      if (!(err instanceof StopChunk)) throw err;
      outcome.batch = null;
      outcome.labels = null;
    }
    return outcome;
  }

  // ---- parsing: CsvReader's loop, over one complete chunk ----

  private parse(bytes: Uint8Array, task: ChunkTask, outcome: ChunkOutcome): RecordBatch[] {
    const builders = this.buildersFor(task.dialect);
    const batchSize = this.init.batchSize, list = builders.list, wasm = this.wasm;
    const cursor: TokenizerCursor = { pos: 0, line: 1 };
    const batches: RecordBatch[] = [];
    this.origins.clear();
    if (wasm !== null) {
      const t0 = this.timings ? performance.now() : 0;
      wasm.load(bytes);
      this.spans = wasm.spans;
      if (this.timings) this.timings.tokenize += performance.now() - t0;
    }
    const spans = this.spans;
    for (;;) {
      spans.clear();
      const maxRows = Math.min(spans.capacity, batchSize - list[0].length);
      const t0 = this.timings ? performance.now() : 0;
      const status = wasm !== null ? wasm.tokenize(bytes.length, true, task.dialect, cursor, maxRows)
        : tokenizeRows(bytes, bytes.length, true, task.dialect, spans, cursor, maxRows);
      const t1 = this.timings ? performance.now() : 0;
      if (spans.rows > 0) this.convertRun(bytes, task, builders, outcome);
      if (list[0].length >= batchSize) batches.push(this.finishBatch(list));
      if (this.timings) {
        this.timings.tokenize += t1 - t0;
        this.timings.build += performance.now() - t1;
      }
      if (status === TOKENIZE.END) break;
      if (status === TOKENIZE.UNTERMINATED_QUOTE) {
        const { row, raw } = unterminatedRow(bytes, bytes.length, cursor);
        this.reject(outcome, { kind: 'read', ...row }, raw);
        break;
      }
    }
    const t2 = this.timings ? performance.now() : 0;
    if (list[0].length > 0) batches.push(this.finishBatch(list));
    if (this.timings) this.timings.build += performance.now() - t2;
    outcome.lines = cursor.line - 1;
    return batches;
  }

  private buildersFor(dialect: DialectBytes): Builders {
    const same = (d: DialectBytes) => d.delimiter === dialect.delimiter && d.quote === dialect.quote &&
      d.escape === dialect.escape && d.trimLeadingSpaces === dialect.trimLeadingSpaces && d.comment === dialect.comment;
    let found = this.builders.find((b) => same(b.dialect));
    if (!found) {
      found = { dialect, list: makeBuilders(this.converted,
        { capacity: this.init.batchSize, dialect, nulls: this.nulls, accelerator: this.wasm }) };
      this.builders.push(found);
    }
    return found;
  }

  private finishBatch(list: ColumnBuilder[]): RecordBatch {
    const children = list.map((b) => b.finish());
    const schema = this.converted.schema;
    return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: children[0].length, nullCount: 0, children }));
  }

  /** Appends the run in the spans to every column, rejecting its bad rows as CsvReader does. */
  private convertRun(bytes: Uint8Array, task: ChunkTask, builders: Builders, outcome: ChunkOutcome): void {
    const spans = this.spans;
    const run = { bytes, spans, dialect: task.dialect, delimiter: task.delimiter };
    this.appender.append(run, builders.list, (row, raw) => this.reject(outcome, { kind: 'read', ...row }, raw));
    outcome.rowsIn += spans.rows;
    outcome.rowsOut += spans.rows;
    this.origins.addRun(spans);
  }

  /** Records a bad row (counted in rowsIn); under 'fail' the chunk stops here. */
  private reject(outcome: ChunkOutcome, record: RejectRecord, raw?: string): void {
    if (raw !== undefined && this.init.policy === 'quarantine') record.raw = raw;
    outcome.rejected.push(record);
    outcome.rowsIn++;
    if (this.init.policy === 'fail') throw new StopChunk();
  }

  // ---- labels and the transform ----

  private transform(bytes: Uint8Array, batches: RecordBatch[], outcome: ChunkOutcome): void {
    const numRows = batches.reduce((n, b) => n + b.numRows, 0);
    if (numRows === 0) return;
    let keep: Uint8Array | null = null;
    const drop = (row: number, record: RejectRecord) => {
      keep ??= new Uint8Array(numRows).fill(1);
      keep[row] = 0;
      outcome.rowsOut--;
      outcome.rowsIn--; // reject() counts it again
      const raw = this.init.policy === 'quarantine' ? this.rawOfRow(bytes, row) : undefined;
      this.reject(outcome, record, raw);
    };
    let labels: Float32Array | Int32Array | null = null;
    const t0 = this.timings ? performance.now() : 0;
    if (this.labels !== null) {
      const badLabels: BadLabel[] = [];
      labels = this.labels.read(batches, numRows, badLabels);
      if (badLabels.length > 0 && this.init.policy === 'fail') this.failBefore(batches, badLabels[0].row, drop);
      for (const b of badLabels) {
        drop(b.row, { kind: 'label', line: this.origins.lines[b.row], column: this.labels.label.key, batchRow: b.row,
          ...(b.value === null ? {} : { value: b.value }), reason: b.reason, ...this.recordOf(batches, b.row) });
      }
    }
    const t1 = this.timings ? performance.now() : 0;
    if (this.timings) this.timings.labels += t1 - t0;
    const options = { sparse: this.init.sparse, reuseBuffers: this.init.reuseBuffers, ...(this.allocate ? { allocate: this.allocate } : {}) };
    // The rows to transform (all, or those whose label was good), as indexes [0, count) into `rows`.
    const rows = keep === null ? null : keptRows(keep);
    const count = rows === null ? numRows : rows.length;
    let failed = false;
    const transformRows = (a: number, b: number): FeatureBatch =>
      // After a failure the pieces are kept together: none may be a reused buffer.
      this.graph.transform(tableOfRows(batches, rows, a, b), failed ? { ...options, reuseBuffers: false } : options);
    const pieces = transformAroundBadRows(0, count, transformRows, (at, err) => {
      failed = true;
      const original = rows === null ? at : rows[at];
      drop(original, { kind: 'data', line: this.origins.lines[original], column: err.column, row: at, batchRow: original,
        reason: err.reason, ...this.recordOf(batches, original) });
    }).map((range) => range.result);
    if (pieces.length > 0) {
      const result = pieces.length === 1 ? pieces[0] : concatFeatureBatches(pieces);
      outcome.batch = { numRows: result.numRows, dense: result.dense.values, sparse: result.sparse } as WireBatch;
    }
    if (this.timings) this.timings.transform += performance.now() - t1;
    if (labels !== null && outcome.batch !== null) {
      outcome.labels = keep === null ? labels : labels.filter((_, i) => keep![i] === 1);
    }
  }

  /**
   * Under 'fail', the first bad row is the one to report: a row before the first bad label that the transform
   * refuses comes first, so the rows before it are transformed (and the result dropped) before the label is.
   */
  private failBefore(batches: RecordBatch[], end: number, drop: (row: number, record: RejectRecord) => void): void {
    if (end === 0) return;
    try {
      this.graph.transform(new Table(batches).slice(0, end), { sparse: this.init.sparse });
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      drop(err.row, { kind: 'data', line: this.origins.lines[err.row], column: err.column, row: err.row, batchRow: err.row,
        reason: err.reason });
    }
  }

  /** Under quarantine, `{record}`: the values of row `row` of the batches (the converted columns), as JSON would hold them. */
  private recordOf(batches: readonly RecordBatch[], row: number): { record?: Record<string, unknown> } {
    if (this.init.policy !== 'quarantine') return {};
    for (const batch of batches) {
      if (row < batch.numRows) return { record: (batch.get(row)?.toJSON() ?? {}) as Record<string, unknown> };
      row -= batch.numRows;
    }
    return {};
  }

  private rawOfRow(bytes: Uint8Array, row: number): string {
    return rowText(bytes, this.origins.starts[row], this.origins.ends[row]);
  }
}

/** Indexes of the kept rows, in order. */
function keptRows(keep: Uint8Array): Int32Array {
  const rows: number[] = [];
  for (let i = 0; i < keep.length; i++) if (keep[i] === 1) rows.push(i);
  return Int32Array.from(rows);
}

/** Rows `[a, b)` of `rows` (indexes into the batches' rows, ascending; null: every row) as zero-copy slices. */
function tableOfRows(batches: readonly RecordBatch[], rows: Int32Array | null, a: number, b: number): Table {
  const slices: RecordBatch[] = [];
  const addRun = (lo: number, hi: number): void => { // rows [lo, hi) of the batches
    let base = 0;
    for (const batch of batches) {
      const end = base + batch.numRows;
      if (hi > base && lo < end) {
        const from = Math.max(lo, base) - base, to = Math.min(hi, end) - base;
        slices.push(from === 0 && to === batch.numRows ? batch : batch.slice(from, to));
      }
      base = end;
    }
  };
  if (rows === null) {
    addRun(a, b);
  } else {
    for (let i = a; i < b;) {
      const lo = rows[i++];
      let hi = lo + 1;
      while (i < b && rows[i] === hi) { hi++; i++; }
      addRun(lo, hi);
    }
  }
  return slices.length === 0 ? new Table(batches[0].schema) : new Table(slices);
}

