import { stat } from 'node:fs/promises';
import type { Schema } from 'apache-arrow';
import { expandPath } from '../io/expand-paths.ts';
import {
  type ConcatSource, type CsvColumnType, detectFormat, openSource, ReadError, type RecordBatchSource, type SourceFormat, type SourceOptions,
} from '../io/index.ts';
import { UsageError } from './errors.ts';
import { csvTypeOverrides, type FeatureUse } from './spec-fields.ts';

export interface DataFile {
  path: string;
  bytes: number;
  /** Detected once here, from the file's first bytes and extension, for every later step of the command. */
  format: SourceFormat;
}

/**
 * The data files named on the command line, globs expanded in sorted order (as openSource does), each checked
 * to exist: a missing file or a pattern matching nothing is a usage error, found before any work starts.
 */
export async function dataFiles(paths: readonly string[]): Promise<DataFile[]> {
  const files: DataFile[] = [];
  for (const path of paths) {
    const matches = await expandPath(path);
    if (matches.length === 0) throw new UsageError(`${path}: no file matches this pattern`);
    for (const file of matches) {
      let info;
      try {
        info = await stat(file);
      } catch {
        throw new UsageError(`${file}: no such data file`);
      }
      if (!info.isFile()) throw new UsageError(`${file}: is not a file`);
      files.push({ path: file, bytes: info.size, format: await detectFormat(file) });
    }
  }
  return files;
}

export interface OpenedData {
  source: ConcatSource;
  schema: Schema;
  /** CSV types set because inference disagreed with what the columns need. */
  overrides: Record<string, CsvColumnType>;
}

/**
 * Opens the files as one stream of batches whose schema fits the columns: when the first file is CSV and
 * inference typed a feature otherwise than the columns need (a numeric column holding `12abc` in the first
 * rows), the stream is opened again with that feature's type set, so bad values become bad rows.
 */
export async function openData(files: readonly DataFile[], options: SourceOptions, uses: Map<string, FeatureUse>): Promise<OpenedData> {
  const paths = files.map((f) => f.path);
  // Every file of one format: the source takes it as given instead of reading each file's first bytes again.
  const format = files.every((f) => f.format === files[0].format) ? files[0]?.format : undefined;
  const given = format === undefined || options.format !== undefined ? options : { ...options, format };
  const source = openSource(paths, given);
  const schema = await source.schema();
  if (schema.fields.length === 0) {
    await closeUnread(source);
    throw new ReadError({ file: paths[0] }, 'the file is empty: no header and no rows');
  }
  const overrides = csvTypeOverrides(uses, schema);
  if (Object.keys(overrides).length === 0 || files[0]?.format !== 'csv') return { source, schema, overrides: {} };
  await closeUnread(source);
  const typed = openSource(paths, { ...given, types: { ...overrides, ...options.types } });
  return { source: typed, schema: await typed.schema(), overrides };
}

/** Closes a source opened only for its schema (leaving a file handle to the garbage collector makes Node warn). */
export async function closeUnread(source: RecordBatchSource): Promise<void> {
  try {
    await source.close();
  } catch {
    // Only closing; the real read reports any error.
  }
}

/** Runs `work` on an opened source that it has not started reading; if `work` fails, closes the source first. */
export async function closingOnError<T>(source: RecordBatchSource, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    await closeUnread(source);
    throw err;
  }
}

/** The source as an iterable that records whether reading began (so an error before it can close the source). */
export function trackStart<T>(source: AsyncIterable<T>): { batches: AsyncIterable<T>; started: () => boolean } {
  let started = false;
  return {
    batches: { async *[Symbol.asyncIterator]() { started = true; yield* source; } },
    started: () => started,
  };
}
