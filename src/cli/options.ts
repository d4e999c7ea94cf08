import { type Command, InvalidArgumentError, Option } from 'commander';
import type { HashMode } from '../graph/nodes.ts';
import type { SourceOptions } from '../io/open-source.ts';
import type { OnError } from '../io/reject-policy.ts';
import { DEFAULT_BATCH_SIZE } from '../io/source.ts';

/** Flags every data-reading command shares. */
export interface DataFlags {
  batchSize: number;
  onError: OnError;
  delimiter?: string;
  null?: string[];
  quiet?: boolean;
  json?: boolean;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

/** `fail`, `skip` or `quarantine=FILE`. */
export function parseOnError(value: string): OnError {
  if (value === 'fail' || value === 'skip') return value;
  const m = /^quarantine=(.+)$/.exec(value);
  if (m) return { quarantine: m[1] };
  throw new InvalidArgumentError('expected fail, skip or quarantine=FILE.');
}

/** `a,b,c` → ['a', 'b', 'c'] (spaces around commas kept: labels may hold them; empty items refused). */
export function parseList(value: string): string[] {
  const items = value.split(',');
  if (items.some((s) => s === '')) throw new InvalidArgumentError('expected a comma-separated list without empty items.');
  return items;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Adds --batch-size, --on-error, --delimiter, --null, --quiet and --json. */
export function addDataOptions(command: Command): Command {
  return command
    .option('--batch-size <n>', 'rows per batch', parsePositiveInt, DEFAULT_BATCH_SIZE)
    .option('--on-error <policy>', 'bad rows: fail (stop at the first), skip (count them) or quarantine=FILE (count and write them to FILE as JSON lines)', parseOnError, 'fail' as OnError)
    .option('--delimiter <char>', 'CSV field delimiter (default: sniffed; ", " also trims spaces after commas)')
    .option('--null <token>', 'CSV text read as a missing value; repeat for several (default: the empty field)', collect)
    .option('-q, --quiet', 'no progress bar and no summary')
    .option('--json', 'print one JSON object with the results on stdout (no progress bar, no text summary)');
}

export function hashOption(): Option {
  return new Option('--hash <mode>', 'hash function of hashed and crossed columns').choices(['xxh64', 'tf']).default('xxh64');
}

export function hashMode(value: unknown): HashMode {
  return value === 'tf' ? 'tf' : 'xxh64';
}

/** The reader options the flags give. */
export function sourceOptions(flags: DataFlags): SourceOptions {
  return {
    batchSize: flags.batchSize,
    onError: flags.onError,
    ...(flags.delimiter !== undefined ? { delimiter: flags.delimiter } : {}),
    ...(flags.null !== undefined ? { nullValues: flags.null } : {}),
  };
}

/** The example block every command's help ends with. */
export function examples(...lines: string[]): string {
  return `\nExample${lines.length > 1 ? 's' : ''}:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}
