import type { RecordBatch, Schema } from 'apache-arrow';
import { readArrow } from './arrow-reader.ts';
import { expandPaths } from './expand-paths.ts';
import type { ColumnPlan } from './csv/column-plan.ts';
import type { CsvOptions } from './csv/csv-options.ts';
import { CsvReader } from './csv/csv-reader.ts';
import { ReadError } from './errors.ts';
import { detectFormat, type SourceFormat } from './format.ts';
import { readParquet } from './parquet-reader.ts';
import { RowRejecter } from './reject-policy.ts';
import type { ReadStats, RecordBatchSource } from './source.ts';

/** Options of {@link openSource}: the CSV options (used for CSV files), Parquet's `columns`, and a forced format. */
export interface SourceOptions extends CsvOptions {
  /** Read every file as this format instead of detecting it from magic bytes and extension. */
  format?: SourceFormat;
  /** Parquet only: read just these columns. */
  columns?: string[];
}

/**
 * One stream of record batches over several files and glob patterns (expanded in sorted order), each read
 * by the reader its format needs (CSV or gzip'd CSV, Arrow IPC file or stream, Parquet). All files must
 * have the same schema; a later CSV file keeps the first one's types and dictionaries, so dictionary keys
 * agree across files. Stats add up over the files, and they share one bad-row policy and quarantine file.
 * @example
 * const source = openSource(['data/part-*.csv.gz'], { onError: 'skip' });
 * for await (const batch of source) use(batch);
 */
export function openSource(paths: string[], options: SourceOptions = {}): ConcatSource {
  return new ConcatSource(paths, options);
}

/** Field names and types, ignoring dictionary ids and nullability, which differ between writers. */
function describeField(schema: Schema, i: number): string {
  const field = schema.fields[i];
  return field === undefined ? '(none)' : `${field.name}: ${field.type}`;
}

function schemaDifference(a: Schema, b: Schema): string | null {
  const n = Math.max(a.fields.length, b.fields.length);
  for (let i = 0; i < n; i++) {
    const x = describeField(a, i), y = describeField(b, i);
    if (x !== y) return `column ${i + 1} is "${y}" here but "${x}" there`;
  }
  return null;
}

export class ConcatSource implements RecordBatchSource {
  private readonly readers: RecordBatchSource[] = [];
  private readonly rejecter: RowRejecter;
  private files: Promise<string[]> | null = null;
  private first: RecordBatchSource | null = null;
  private closed = false;

  constructor(private readonly paths: string[], private readonly options: SourceOptions) {
    if (paths.length === 0) throw new TypeError('openSource needs at least one path');
    this.rejecter = new RowRejecter(options.onError);
  }

  /** Rows in, out and rejected, summed over the files read so far. */
  get stats(): ReadStats {
    const sum = { rowsIn: 0, rowsOut: 0, rowsRejected: 0 };
    for (const { stats } of this.readers) {
      sum.rowsIn += stats.rowsIn;
      sum.rowsOut += stats.rowsOut;
      sum.rowsRejected += stats.rowsRejected;
    }
    return sum;
  }

  /** The schema of the first file. */
  async schema(): Promise<Schema> {
    const [file] = await this.expand();
    this.first ??= await this.reader(file, null);
    return this.first.schema();
  }

  /** Closes the first file, opened for the schema, when reading has not started. */
  async close(): Promise<void> {
    this.closed = true;
    const first = this.first;
    this.first = null;
    await first?.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordBatch> {
    if (this.closed) throw new Error(`${this.paths.join(', ')}: the source was closed`);
    let reference: { file: string; schema: Schema } | null = null;
    let plan: ColumnPlan | null = null;
    for (const file of await this.expand()) {
      const reader: RecordBatchSource = this.first ?? await this.reader(file, plan);
      this.first = null;
      this.readers.push(reader);
      let checked = false;
      for await (const batch of reader) {
        if (!checked) {
          reference ??= { file, schema: batch.schema };
          const difference = schemaDifference(reference.schema, batch.schema);
          if (difference !== null) {
            throw new ReadError({ file }, `schema differs from ${reference.file}'s: ${difference}`);
          }
          checked = true;
        }
        yield batch;
      }
      if (reader instanceof CsvReader && reader.stats.rowsIn > 0) plan = await reader.plan();
    }
  }

  private expand(): Promise<string[]> {
    this.files ??= expandPaths(this.paths);
    return this.files;
  }

  private async reader(file: string, plan: ColumnPlan | null): Promise<RecordBatchSource> {
    const format = this.options.format ?? await detectFormat(file);
    switch (format) {
      case 'csv': return new CsvReader(file, this.options, this.rejecter, plan);
      case 'arrow': return readArrow(file, this.options);
      case 'parquet': return readParquet(file, this.options);
    }
  }
}
