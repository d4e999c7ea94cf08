import { readFileSync } from 'node:fs';
import { SpecError } from '../spec/errors.ts';

/**
 * TF's text vocabulary file: one value per line, id = line number; a trailing CR is stripped, other
 * whitespace is kept; empty and duplicate lines are errors; `size` keeps the first lines only.
 */
export function loadVocabularyFile(column: string, path: string, size: number | null, integers: boolean): (string | number)[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SpecError(column, `cannot read vocabulary file '${path}': ${(error as Error).message}`);
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop(); // a final newline ends the last line, it does not start a new one
  if (size !== null && size > lines.length) {
    throw new SpecError(column, `vocabularySize ${size} is larger than the ${lines.length} lines of '${path}'; drop vocabularySize or fix the file`);
  }
  const kept = lines.slice(0, size ?? lines.length).map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  const seen = new Map<string | number, number>();
  return kept.map((line, i) => {
    if (line === '') throw new SpecError(column, `empty line found in vocabulary file '${path}' at line ${i + 1}; remove it`);
    const value = integers ? Number(line) : line;
    if (integers && !Number.isSafeInteger(value)) {
      throw new SpecError(column, `line ${i + 1} of '${path}' is not an integer: ${JSON.stringify(line)}`);
    }
    const first = seen.get(value);
    if (first !== undefined) {
      throw new SpecError(column, `duplicate value ${JSON.stringify(line)} in vocabulary file '${path}' at lines ${first} and ${i + 1}`);
    }
    seen.set(value, i + 1);
    return value;
  });
}
