import { glob, isDynamicPattern } from 'tinyglobby';
import { ReadError } from './errors.ts';

/** Files and glob patterns → file paths, each pattern's matches sorted; a pattern matching nothing is an error. */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const matches = await expandPath(path);
    if (matches.length === 0) throw new ReadError({ file: path }, 'no file matches this pattern');
    files.push(...matches);
  }
  return files;
}

/** A file path as is, or a glob pattern's matching files, sorted (none when nothing matches). */
export async function expandPath(path: string): Promise<string[]> {
  if (!isDynamicPattern(path)) return [path];
  return (await glob(path, { onlyFiles: true, expandDirectories: false })).sort();
}
