import { type Command, InvalidArgumentError, Option } from 'commander';
import type { OnError } from '../../io/reject-policy.ts';
import { parseOnError } from '../options.ts';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** --on-error, --delimiter, --null, --backend, --threads, --quiet and --json: the data flags of train, evaluate and predict. */
export function addModelReadOptions(command: Command): Command {
  return command
    .option('--on-error <policy>', 'bad rows: fail (stop at the first), skip (drop and count them) or quarantine=FILE (also write ' +
      'each to FILE as a JSON line, once however many epochs read it)', parseOnError, 'fail' as OnError)
    .option('--delimiter <char>', 'CSV field delimiter (default: sniffed; ", " also trims spaces after commas)')
    .option('--null <token>', 'CSV text read as a missing value; repeat for several (default: the empty field)', collect)
    .addOption(new Option('--backend <backend>', 'compute backend: js (WebAssembly SIMD / JS), gpu (gpu.js, when installed) or auto (measured)').choices(['auto', 'gpu', 'js']).default('js'))
    .addOption(new Option('--threads <n>', 'threads of the js backend: 2 shares big matrix products with a helper thread (where there are two cores; ' +
      'same results bit for bit), 1 keeps to one').choices(['1', '2']).default('2'))
    .option('-q, --quiet', 'no progress bar and no summary')
    .option('--json', 'print one JSON object with the results on stdout (no progress bar, no text summary)');
}

/** `100,75,50,25` → [100, 75, 50, 25]. */
export function parseHidden(value: string): number[] {
  const items = value.split(',').map((s) => s.trim());
  const n = items.map(Number);
  if (items.some((s) => !/^\d+$/.test(s)) || n.some((u) => !(u >= 1 && Number.isSafeInteger(u)))) {
    throw new InvalidArgumentError('expected layer widths as positive integers separated by commas, e.g. 100,75,50,25.');
  }
  return n;
}

/** A finite number > 0. */
export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0.');
  return n;
}

/** A rate in [0, 1). */
export function parseRate(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n < 1)) throw new InvalidArgumentError('expected a number in [0, 1).');
  return n;
}

/** An integer ≥ 0. */
export function parseSeed(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected an integer ≥ 0.');
  return n;
}
