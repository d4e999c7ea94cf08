/**
 * Why an output could not be written: a file-system failure (no such directory, disk full), or a batch that
 * does not match the writer's meta. `path` is the final output path.
 */
export class WriteError extends Error {
  override name = 'WriteError';
  readonly path: string;

  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.path = path;
  }
}

/** A system error as a WriteError naming the output, with a readable reason for the usual codes. */
export function asWriteError(path: string, err: unknown, context: string): WriteError {
  if (err instanceof WriteError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new WriteError(path, `${context}: the output directory does not exist`);
  if (code === 'EACCES' || code === 'EPERM') return new WriteError(path, `${context}: permission denied`);
  if (code === 'ENOSPC') return new WriteError(path, `${context}: no space left on the device`);
  if (code === 'EISDIR') return new WriteError(path, `${context}: is a directory`);
  const message = err instanceof Error ? err.message : String(err);
  return new WriteError(path, `${context}: ${message}`);
}
