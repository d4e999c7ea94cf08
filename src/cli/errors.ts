import { CommanderError } from 'commander';
import { FitError } from '../analyze/errors.ts';
import { ReadError } from '../io/errors.ts';
import { WriteError } from '../io/writers/errors.ts';
import { DataError, SpecError } from '../spec/errors.ts';

/** Exit codes: 0 success, 1 bad data (or a failure while writing), 2 bad usage or a spec that cannot work. */
export const EXIT = { ok: 0, data: 1, usage: 2 } as const;

/** A command line that cannot work: a bad flag value, a missing or unknown file, columns that need fitting first. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Data that cannot work as a whole (an empty dataset, a training run that diverged): exit 1, one line. */
export class BadDataError extends Error {
  override name = 'BadDataError';
}

/** A row that the transform (or its label) cannot take, under `--on-error fail`: where it is in the stream and why. */
export class RowError extends Error {
  override name = 'RowError';
  constructor(readonly row: number, readonly column: string, readonly reason: string, where: string) {
    super(`${where}data row ${row.toLocaleString('en-US')}: column '${column}': ${reason}`);
  }
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (err instanceof UsageError || err instanceof SpecError) return EXIT.usage;
  return EXIT.data; // bad data, a failed write, or anything unexpected
}

/** The one line printed for an error: its message, or its stack when FCOL_DEBUG=1. */
export function errorLine(err: unknown): string {
  if (process.env.FCOL_DEBUG === '1' && err instanceof Error && err.stack) return `fcol: ${err.stack}`;
  const known = err instanceof UsageError || err instanceof SpecError || err instanceof ReadError || err instanceof DataError ||
    err instanceof FitError || err instanceof RowError || err instanceof WriteError || err instanceof BadDataError;
  const message = err instanceof Error ? err.message : String(err);
  const oneLine = message.split('\n')[0];
  return known ? `fcol: ${oneLine}` : `fcol: ${oneLine} (unexpected ${err instanceof Error ? err.name : 'error'}; FCOL_DEBUG=1 shows the stack)`;
}

/** The error's message alone, as --json reports it. */
export function errorMessage(err: unknown): string {
  const message = err instanceof CommanderError ? err.message.replace(/^error: /, '') : err instanceof Error ? err.message : String(err);
  return message.trim().replace(/\s*\n\s*/g, ' ');
}
