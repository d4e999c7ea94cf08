/**
 * Bad input read from a file, located the way an editor shows it: file, 1-based line, column name, the offending value and why.
 * Readers throw only this (never a raw parser or fs error), so a CLI can print `message` without a stack.
 */
export class ReadError extends Error {
  override name = 'ReadError';
  readonly file: string;
  /** 1-based line where the bad row starts; absent for binary formats (Arrow, Parquet, gzip framing). */
  readonly line?: number;
  readonly column?: string;
  /** The raw text of the bad field, cut to 200 characters (a 10 MB field makes no 10 MB message). */
  readonly value?: string;
  readonly reason: string;

  constructor(where: { file: string; line?: number; column?: string; value?: string }, reason: string) {
    const value = where.value === undefined ? undefined : shorten(where.value);
    super(formatReadError(where.file, where.line, where.column, value, reason));
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.value = value;
    this.reason = reason;
  }

  toJSON(): { file: string; line?: number; column?: string; value?: string; reason: string } {
    return { file: this.file, line: this.line, column: this.column, value: this.value, reason: this.reason };
  }
}

/** Values in errors are cut so that a 10 MB field does not become a 10 MB message. */
const MAX_VALUE_CHARS = 200;

function shorten(value: string): string {
  return value.length <= MAX_VALUE_CHARS ? value : `${value.slice(0, MAX_VALUE_CHARS)}… (${value.length} chars)`;
}

/** `data.csv:12: column "age": expected an integer, got "12abc"` — `file:line` is clickable in most terminals. */
function formatReadError(file: string, line: number | undefined, column: string | undefined,
    value: string | undefined, reason: string): string {
  const where = line === undefined ? file : `${file}:${line}`;
  const col = column === undefined ? '' : ` column "${column}":`;
  const got = value === undefined ? '' : `, got ${JSON.stringify(value)}`;
  return `${where}:${col} ${reason}${got}`;
}

/** Wraps a system or library error (missing file, corrupt stream) as a ReadError naming the file. */
export function asReadError(file: string, err: unknown, context: string): ReadError {
  if (err instanceof ReadError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new ReadError({ file }, 'no such file');
  if (code === 'EISDIR') return new ReadError({ file }, 'is a directory, not a file');
  if (code === 'EACCES') return new ReadError({ file }, 'permission denied');
  const message = err instanceof Error ? err.message : String(err);
  return new ReadError({ file }, `${context}: ${message}`);
}
