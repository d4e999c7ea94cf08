import { makeData, RecordBatch, Schema, Struct } from 'apache-arrow';
import { openBytes } from '../byte-reader.ts';
import { ReadError } from '../errors.ts';
import { RowRejecter } from '../reject-policy.ts';
import { checkBatchSize, newStats, type ReadStats, type RecordBatchSource } from '../source.ts';
import { type BadRow, RunAppender, unterminatedRow } from './bad-rows.ts';
import type { ColumnBuilder } from './column-builder.ts';
import { type ColumnPlan, makeBuilders, makePlan } from './column-plan.ts';
import { checkCsvOptions, type CsvOptions } from './csv-options.ts';
import { type CsvHead, readHead } from './csv-head.ts';
import { delimiterHint } from './dialect.ts';
import { NullTokens } from './field-text.ts';
import { inferColumnTypes } from './infer-types.ts';
import { DEFAULT_MAX_ROW_BYTES, InputBuffer } from './input-buffer.ts';
import { RowSpans } from './row-spans.ts';
import { TOKENIZE, tokenizeRows } from './tokenizer.ts';

/** Rows tokenized per run: enough to amortize the calls, few enough that the bytes stay in cache. */
const RUN_ROWS = 8192;

/**
 * Streams a CSV file (or gzip'd CSV, detected by its magic bytes) as Arrow record batches.
 * @example
 * const reader = readCsv('adult.data.csv', { types: { age: 'float32' } });
 * for await (const batch of reader) use(batch);
 * console.log(reader.stats); // { rowsIn, rowsOut, rowsRejected }
 */
export function readCsv(path: string, options: CsvOptions = {}): CsvReader {
  return new CsvReader(path, options, new RowRejecter(options.onError), null);
}

/** State of an opened reader: the file window, the plan, and the buffers reused for every run. */
interface Open {
  input: InputBuffer;
  head: CsvHead;
  plan: ColumnPlan;
  builders: ColumnBuilder[];
  appender: RunAppender;
  spans: RowSpans;
  /** Why the tokenizer stopped after the run now in `spans` (the first run was used for inference). */
  status: number;
}

export class CsvReader implements RecordBatchSource {
  readonly stats: ReadStats = newStats();
  private readonly batchSize: number;
  private opened: Promise<Open> | null = null;
  private iterated = false;

  /** `previous`: the plan of an earlier file of the same stream, whose schema and dictionaries this file continues. */
  constructor(readonly path: string, private readonly options: CsvOptions, private readonly rejecter: RowRejecter,
      private readonly previous: ColumnPlan | null) {
    checkCsvOptions(options);
    this.batchSize = checkBatchSize(options.batchSize);
  }

  async schema(): Promise<Schema> {
    return (await this.open()).plan.schema;
  }

  async close(): Promise<void> {
    if (this.iterated) return; // reading closes the file itself
    this.iterated = true;
    const opened = await this.opened?.catch(() => null);
    await opened?.input.close();
  }

  /** The names, types and dictionaries this reader produces (for the next file of a stream). */
  async plan(): Promise<ColumnPlan> {
    return (await this.open()).plan;
  }

  private open(): Promise<Open> {
    this.opened ??= this.openFile();
    return this.opened;
  }

  private async openFile(): Promise<Open> {
    const input = new InputBuffer(await openBytes(this.path), this.path, this.options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES);
    try {
      const head = await readHead(input, this.options, this.path);
      const names = head.names ?? this.previous?.names ?? [];
      const spans = new RowSpans(Math.min(RUN_ROWS, this.batchSize), names.length);
      const nulls = new NullTokens(this.options.nullValues ?? ['']);
      let status: number = TOKENIZE.END;
      if (names.length > 0) {
        while ((status = this.tokenize(input, head, spans)) === TOKENIZE.NEED_MORE && spans.rows === 0) await input.fill();
      }
      const plan = this.previous === null
        ? this.planFromSample(input, head, names, spans, nulls)
        : this.continuePlan(this.previous, names, head);
      const builders = makeBuilders(plan, { capacity: this.batchSize, dialect: head.bytes, nulls });
      const appender = new RunAppender(plan, plan.names.map((_, j) => j), this.rejecter.quarantines);
      return { input, head, plan, builders, appender, spans, status };
    } catch (err) {
      await input.close();
      throw err;
    }
  }

  private tokenize(input: InputBuffer, head: CsvHead, spans: RowSpans, batchLength = 0): number {
    const maxRows = Math.min(spans.capacity, this.batchSize - batchLength);
    return tokenizeRows(input.buf, input.end, input.eof, head.bytes, spans, input.cursor, maxRows);
  }

  /** Types from `types` overrides, else inferred from the first run of rows (an empty file has no columns to check). */
  private planFromSample(input: InputBuffer, head: CsvHead, names: readonly string[], spans: RowSpans,
      nulls: NullTokens): ColumnPlan {
    const overrides = this.options.types ?? {};
    for (const name of Object.keys(overrides)) {
      if (names.length > 0 && !names.includes(name)) {
        const hint = names.length === 1 ? delimiterHint(head.firstLine, head.dialect.delimiter) : '';
        throw new ReadError({ file: this.path, line: 1 },
          `types names column "${name}", which the file does not have (columns: ${names.join(', ')})${hint}`);
      }
    }
    const inferred = inferColumnTypes(input.buf, spans, head.bytes, nulls);
    const types = names.map((name, j) => overrides[name] ?? inferred[j]);
    return makePlan(this.path, names, types, names.map((name) => overrides[name] === undefined));
  }

  /** A later file of a stream must have the same columns; it keeps the first file's types and dictionaries. */
  private continuePlan(previous: ColumnPlan, names: readonly string[], head: CsvHead): ColumnPlan {
    const same = names.length === previous.names.length && names.every((n, j) => n === previous.names[j]);
    if (!same) {
      const hint = names.length === 1 ? delimiterHint(head.firstLine, head.dialect.delimiter) : '';
      throw new ReadError({ file: this.path, line: 1 }, `columns (${names.join(', ')}) differ from those of ` +
        `${previous.source} (${previous.names.join(', ')})${hint}`);
    }
    return previous;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordBatch> {
    if (this.iterated) throw new Error(`${this.path}: a reader can be iterated only once, and not after close()`);
    this.iterated = true;
    const open = await this.open();
    const { input, head, builders, spans } = open;
    try {
      let status = open.status;
      for (;;) {
        if (spans.rows > 0) this.convertRun(open);
        if (builders.length > 0 && builders[0].length >= this.batchSize) yield await this.finishBatch(open);
        if (status === TOKENIZE.END) break;
        if (status === TOKENIZE.UNTERMINATED_QUOTE) {
          this.rejectUnterminated(open);
          break;
        }
        if (status === TOKENIZE.NEED_MORE) await input.fill();
        spans.clear();
        status = this.tokenize(input, head, spans, builders[0].length);
      }
      if (builders.length > 0 && builders[0].length > 0) yield await this.finishBatch(open);
      await this.rejecter.flush();
    } finally {
      await input.close();
    }
  }

  private async finishBatch(open: Open): Promise<RecordBatch> {
    const children = open.builders.map((b) => b.finish());
    const length = children[0].length;
    const batch = new RecordBatch(open.plan.schema,
      makeData({ type: new Struct(open.plan.schema.fields), length, nullCount: 0, children }));
    this.stats.rowsIn += length;
    this.stats.rowsOut += length;
    await this.rejecter.flush();
    return batch;
  }

  /** Appends the run in `spans` to every column, rejecting its bad rows. */
  private convertRun(open: Open): void {
    const run = { bytes: open.input.buf, spans: open.spans, dialect: open.head.bytes, delimiter: open.head.dialect.delimiter };
    open.appender.append(run, open.builders, (row, raw) => this.reject(row, raw));
  }

  /** The file ends inside a quoted field: everything from that row's start is one rejected row. */
  private rejectUnterminated(open: Open): void {
    const { input } = open;
    const { row, raw } = unterminatedRow(input.buf, input.end, input.cursor);
    this.reject(row, raw);
  }

  /** Counts a bad row and applies the policy to it (under fail, throws its ReadError). */
  private reject({ reason, ...where }: BadRow, raw: string): void {
    this.stats.rowsIn++;
    this.stats.rowsRejected++;
    this.rejecter.reject({ error: new ReadError({ file: this.path, ...where }, reason), raw });
  }
}
