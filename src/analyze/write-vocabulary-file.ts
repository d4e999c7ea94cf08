import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FitError } from './errors.ts';

/**
 * Writes a vocabulary as TF's text format: one value per line, '\n' after each, id = line number.
 * Values the format cannot hold (empty, or holding a line break) are an error rather than a file
 * that reads back differently.
 */
export function writeVocabularyFile(column: string, path: string, values: readonly (string | number)[]): void {
  for (const v of values) {
    if (typeof v === 'string' && (v === '' || v.includes('\n') || v.endsWith('\r'))) {
      throw new FitError(column, `value ${JSON.stringify(v)} cannot be a line of vocabulary file '${path}' (empty or a line break); use a vocabulary list instead of a file`);
    }
  }
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, values.map(String).join('\n') + '\n');
  } catch (error) {
    throw new FitError(column, `cannot write vocabulary file '${path}': ${(error as Error).message}`);
  }
}
