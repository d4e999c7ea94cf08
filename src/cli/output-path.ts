import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from './errors.ts';

/** An output path whose folder exists (checked before any work) and that is not a folder itself. */
export async function checkOutputPath(path: string): Promise<void> {
  const dir = dirname(path);
  const info = await stat(dir).catch(() => null);
  if (info === null || !info.isDirectory()) throw new UsageError(`${path}: the output folder ${dir} does not exist`);
  const existing = await stat(path).catch(() => null);
  if (existing?.isDirectory()) throw new UsageError(`${path}: is a folder; give an output file`);
}
