import { glob, isDynamicPattern } from 'tinyglobby';
import { ReadError } from './errors.ts';

/** Files and glob patterns → file paths, each pattern's matches sorted; a pattern matching nothing is an error. */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    if (!isDynamicPattern(path)) {
      files.push(path);
      continue;
    }
    const matches = (await glob(path, { onlyFiles: true, expandDirectories: false })).sort();
    if (matches.length === 0) throw new ReadError({ file: path }, 'no file matches this pattern');
    files.push(...matches);
  }
  return files;
}
