import { appendFile } from 'node:fs/promises';
import { type FeatureBatch, type FeatureColumn, type FeatureGraph, FileDataError, type RejectedRowInfo, toConfig,
  transformFiles } from '../../index.ts';
import type { ConcatSource, CsvColumnType } from '../../io/index.ts';
import { formatFromPath, openFeatureWriter, type FeatureWriter, type FeatureWriterMeta, type OutputFormat } from '../../io/writers/index.ts';
import { compileColumns } from '../compile-columns.ts';
import { closeUnread, closingOnError, type DataFile, dataFiles, openData } from '../data.ts';
import { RowError, UsageError } from '../errors.ts';
import { int, type Io, megabytes } from '../io.ts';
import { labelExtra, labelMeta, LabelReader, type LabelFlags, type LabelSpec, resolveLabel } from '../label.ts';
import { loadColumns, requireFittedColumns } from '../load-columns.ts';
import { type DataFlags, hashMode, sourceOptions } from '../options.ts';
import { checkOutputPath } from '../output-path.ts';
import { Progress } from '../progress.ts';
import { quarantineLines, startQuarantine } from '../quarantine.ts';
import { RejectedRow, safeTransform } from '../safe-transform.ts';
import { featureUses } from '../spec-fields.ts';
import { VERSION } from '../version.ts';

export interface TransformFlags extends DataFlags, LabelFlags {
  output: string;
  format?: OutputFormat;
  hash: string;
  workers: number;
  /** Bytes of CSV per chunk of work (hidden; default transformFiles'). */
  chunkBytes?: number;
}

/** What --json prints. */
export interface TransformSummary {
  command: 'transform';
  rowsIn: number;
  rowsOut: number;
  rowsRejected: number;
  rejectedByReader: number;
  rejectedByTransform: number;
  seconds: number;
  rowsPerSecond: number;
  output: string;
  format: OutputFormat;
  bytes: number;
  denseWidth: number;
  sparse: string[];
  label: { key: string; kind: LabelSpec['kind'] } | null;
  quarantine: string | null;
  /** CSV column types set because the first rows' inference disagreed with the columns. */
  csvTypes: Record<string, string>;
}

/**
 * `fcol transform`: streams the data through the compiled columns into a tensor file; returns what --json prints.
 * CSV inputs (plain or gzip'd) go through transformFiles, on `--workers` threads (1: this thread); Arrow IPC and
 * Parquet inputs are read with openSource and transformed batch by batch on this thread.
 */
export async function transform(columnsPath: string, data: string[], flags: TransformFlags, io: Io): Promise<TransformSummary> {
  const started = performance.now();
  const loaded = await loadColumns(columnsPath);
  requireFittedColumns(loaded);
  const format = flags.format ?? outputFormat(flags.output);
  const files = await dataFiles(data);
  await checkOutputPath(flags.output);
  const quarantine = await startQuarantine(flags.onError, [flags.output]);
  const csv = files.every((f) => f.format === 'csv');
  const { source, schema, overrides } = await openData(files, sourceOptions(flags), featureUses(loaded.columns));
  const { graph, label, writer } = await closingOnError(source, async () => {
    const graph = compileColumns(loaded.columns, schema, hashMode(flags.hash));
    const label = resolveLabel(loaded.label, flags, schema);
    const writer = await openFeatureWriter(flags.output, writerMeta(graph, loaded.columns, label, {
      'fcol.version': VERSION, 'fcol.columns': columnsPath, 'fcol.inputs': JSON.stringify(files.map((f) => f.path)), 'fcol.hash': hashMode(flags.hash),
    }), format);
    return { graph, label, writer };
  });
  // CSV: transformFiles reads the files itself (this source served for the schema and the type overrides).
  if (csv) await closeUnread(source);

  const progress = await Progress.over('transform', files, !flags.quiet && !flags.json);
  const counts: Counts = { rowsIn: 0, rowsOut: 0, rejectedByReader: 0, rejectedByTransform: 0 };
  // Ctrl-C: remove the partial output (the writer's hidden temporary folder) and restore the cursor.
  const interrupted = () => {
    progress.stop();
    void abort(writer).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let result;
  try {
    const run = csv ? transformCsv(files, flags, loaded.columns, label, overrides, counts)
      : transformSource(source, graph, label, flags, files, quarantine, counts);
    let pending: Promise<void> | null = null;
    for await (const { features, labels } of run) {
      if (pending !== null) await pending;
      // Written while the next batch is read and transformed; awaited before the next write.
      pending = writer.write(features, labels ?? undefined);
      pending.catch(() => undefined);
      counts.rowsOut += features.numRows;
      progress.update(counts.rowsIn);
    }
    if (pending !== null) await pending;
    result = await writer.close();
  } catch (err) {
    await abort(writer);
    throw err;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    progress.stop();
  }

  const seconds = (performance.now() - started) / 1000;
  const rowsRejected = counts.rejectedByReader + counts.rejectedByTransform;
  const summary: TransformSummary = {
    command: 'transform',
    rowsIn: counts.rowsIn,
    rowsOut: counts.rowsOut,
    rowsRejected,
    rejectedByReader: counts.rejectedByReader,
    rejectedByTransform: counts.rejectedByTransform,
    seconds,
    rowsPerSecond: seconds > 0 ? counts.rowsIn / seconds : 0,
    output: result.path,
    format,
    bytes: result.bytes,
    denseWidth: graph.denseWidth,
    sparse: graph.sparseNames('all'),
    label: label === null ? null : { key: label.key, kind: label.kind },
    quarantine,
    csvTypes: overrides,
  };
  if (flags.json) io.out(JSON.stringify(summary) + '\n');
  else if (!flags.quiet) io.out(formatSummary(summary));
  return summary;
}

/** Rows so far: `rowsIn` counts every row read, rejected or not. */
interface Counts {
  rowsIn: number;
  rowsOut: number;
  rejectedByReader: number;
  rejectedByTransform: number;
}

/** A piece of output: features and their labels, in input order. */
interface Transformed {
  features: FeatureBatch;
  labels: Float32Array | Int32Array | null;
}

/**
 * CSV files through transformFiles: chunks of rows parsed and transformed on `--workers` threads (or this one),
 * results in input order. Bad rows are counted by the stage that refused them; under fail, a row the label or
 * the transform refuses stops the stream with its file, line and data row (a reader's ReadError passes as is).
 */
async function* transformCsv(files: readonly DataFile[], flags: TransformFlags, columns: readonly FeatureColumn[],
    label: LabelSpec | null, overrides: Record<string, CsvColumnType>, counts: Counts): AsyncGenerator<Transformed> {
  const fail = flags.onError === 'fail';
  const onReject = (row: RejectedRowInfo): void => {
    if (row.stage === 'read') counts.rejectedByReader++;
    else counts.rejectedByTransform++;
    if (fail && row.stage !== 'read') throw new RowError(row.dataRow ?? 0, row.column ?? '', row.reason, `${row.file}:${row.line}: `);
  };
  const run = transformFiles({
    paths: files.map((f) => f.path),
    spec: columns,
    csv: {
      batchSize: flags.batchSize,
      ...(flags.delimiter !== undefined ? { delimiter: flags.delimiter } : {}),
      ...(flags.null !== undefined ? { nullValues: flags.null } : {}),
      ...(Object.keys(overrides).length > 0 ? { types: overrides } : {}),
    },
    hash: hashMode(flags.hash),
    sparse: 'all',
    label: label === null ? null : label.kind === 'binary' ? { key: label.key, positive: label.positive }
      : label.kind === 'classes' ? { key: label.key, vocabulary: label.vocabulary } : { key: label.key },
    workers: flags.workers,
    ...(flags.chunkBytes !== undefined ? { chunkBytes: flags.chunkBytes } : {}),
    onError: flags.onError,
    onReject,
  });
  try {
    for await (const { batch, labels } of run) {
      counts.rowsIn = run.stats.rowsIn;
      yield { features: batch, labels: labels ?? null };
    }
  } catch (err) {
    // Under fail a transform error arrives as FileDataError when no callback intervened (it always does here).
    if (err instanceof FileDataError) throw new RowError(err.row + 1, err.column, err.reason, `${err.file}:${err.line}: `);
    throw err;
  } finally {
    counts.rowsIn = run.stats.rowsIn;
  }
}

/** Arrow IPC and Parquet (or CSV mixed with them): the reader's batches, transformed here one by one. */
async function* transformSource(source: ConcatSource, graph: FeatureGraph, label: LabelSpec | null, flags: TransformFlags,
    files: readonly DataFile[], quarantine: string | null, counts: Counts): AsyncGenerator<Transformed> {
  const labels = label === null ? null : new LabelReader(label);
  const where = files.length === 1 ? `${files[0].path}: ` : '';
  const fail = flags.onError === 'fail';
  let rowBase = 0;
  try {
    for await (const batch of source) {
      let safe;
      try {
        safe = safeTransform(graph, batch, labels?.read(batch) ?? null, fail);
      } catch (err) {
        if (err instanceof RejectedRow) {
          const { row, column, reason } = err.rejection;
          throw new RowError(rowBase + row + 1, column, reason, where);
        }
        throw err;
      }
      if (safe.rejected.length > 0) {
        counts.rejectedByTransform += safe.rejected.length;
        if (quarantine !== null) await appendFile(quarantine, quarantineLines(batch, safe.rejected, rowBase, files));
      }
      rowBase += batch.numRows;
      counts.rowsIn = source.stats.rowsIn;
      counts.rejectedByReader = source.stats.rowsRejected;
      if (safe.features !== null) yield { features: safe.features, labels: safe.labels };
    }
  } finally {
    counts.rowsIn = source.stats.rowsIn;
    counts.rejectedByReader = source.stats.rowsRejected;
  }
}

function outputFormat(path: string): OutputFormat {
  try {
    return formatFromPath(path);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

function writerMeta(graph: FeatureGraph, columns: Parameters<typeof toConfig>[0], label: LabelSpec | null, extra: Record<string, string>): FeatureWriterMeta {
  const names = new Set(graph.sparseNames('all'));
  return {
    layout: graph.layout,
    denseWidth: graph.denseWidth,
    sparse: graph.plan.sparse.filter((s) => names.has(s.name))
      .map((s) => ({ name: s.name, cardinality: s.cardinality, combiner: s.combiner, dimension: s.dimension })),
    spec: toConfig(columns),
    label: labelMeta(label),
    extra: { ...extra, ...labelExtra(label) },
  };
}

async function abort(writer: FeatureWriter): Promise<void> {
  try {
    await writer.abort();
  } catch {
    // The first error is the one to report.
  }
}

function formatSummary(s: TransformSummary): string {
  const rejected = s.rowsRejected === 0 ? '0 rejected'
    : `${int(s.rowsRejected)} rejected (${int(s.rejectedByReader)} by the reader, ${int(s.rejectedByTransform)} by the transform)`;
  const lines = [
    `transform: ${int(s.rowsIn)} rows in, ${int(s.rowsOut)} out, ${rejected}; ${s.seconds.toFixed(2)} s (${int(Math.round(s.rowsPerSecond))} rows/s)`,
    `wrote ${s.output} (${s.format}, ${megabytes(s.bytes)}): dense [${int(s.rowsOut)} × ${s.denseWidth}], ${s.sparse.length} ragged id output${s.sparse.length === 1 ? '' : 's'}` +
      (s.label ? `, label ${s.label.key} (${s.label.kind})` : ', no label'),
  ];
  if (s.quarantine !== null && s.rowsRejected > 0) lines.push(`rejected rows written to ${s.quarantine}`);
  const typed = Object.entries(s.csvTypes);
  if (typed.length > 0) lines.push(`note: read ${typed.map(([k, t]) => `${k} as ${t}`).join(', ')}: the columns need it, and the first rows did not look so`);
  return lines.join('\n') + '\n';
}
