/**
 * `--on-error quarantine=FILE`: the rows a command refuses, one JSON line each. The reader writes the rows it
 * cannot parse itself (its RejectPolicy); the rows the transform refuses are written here.
 */
import { writeFile } from 'node:fs/promises';
import type { RecordBatch } from 'apache-arrow';
import type { OnError } from '../io/index.ts';
import type { DataFile } from './data.ts';
import { UsageError } from './errors.ts';
import { checkOutputPath } from './output-path.ts';
import type { RowRejection } from './safe-transform.ts';

/**
 * The quarantine file of `onError` (null for fail or skip), checked and emptied before any row is read;
 * it may not be one of the command's `outputs`.
 */
export async function startQuarantine(onError: OnError, outputs: readonly string[]): Promise<string | null> {
  if (typeof onError !== 'object') return null;
  const path = onError.quarantine;
  if (outputs.includes(path)) throw new UsageError(`the quarantine file cannot be the output (${path})`);
  await checkOutputPath(path);
  await writeFile(path, '');
  return path;
}

/** One JSON line per row the transform refused: where it is in the stream, why, and its values. */
export function quarantineLines(batch: RecordBatch, rejected: readonly RowRejection[], rowBase: number, files: readonly DataFile[]): string {
  return rejected.map(({ row, column, reason }) => {
    const record = (batch.get(row)?.toJSON() ?? {}) as Record<string, unknown>;
    const value = column in record ? record[column] : undefined;
    return JSON.stringify({
      stage: 'transform', ...(files.length === 1 ? { file: files[0].path } : {}), dataRow: rowBase + row + 1,
      column, ...(value !== undefined ? { value } : {}), reason, record,
    }, (_key, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n';
  }).join('');
}
