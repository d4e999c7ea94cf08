import type { OnError } from '../reject-policy.ts';
import { asciiCode, type CsvDialect, sniffDialect } from './dialect.ts';
import { CSV_COLUMN_TYPES, type CsvColumnType } from './infer-types.ts';

/** Options of {@link readCsv}; every one is optional, and the dialect is sniffed from the file's head. */
export interface CsvOptions {
  /** Rows per batch (default 65,536). */
  batchSize?: number;
  /** The first line holds the column names (default true, or false when `names` is given). */
  header?: boolean;
  /** Column names; with `header: true` they replace the header's. Default: the header, else f0, f1, ... */
  names?: string[];
  /** One character; a character followed by spaces (`", "`) also sets `trimLeadingSpaces`. Sniffed by default. */
  delimiter?: string;
  /** Quote character (default `"`); null: fields are never quoted. */
  quote?: string | null;
  /** Escape of a quote inside quotes: the quote itself (default, `""`) or `\`. */
  escape?: string;
  /** Skip spaces after a delimiter; sniffed by default (true for the census files' ", "). */
  trimLeadingSpaces?: boolean;
  /** Field texts read as null (default `['']`: only the empty field). A quoted field is never null. */
  nullValues?: string[];
  /** Lines starting with this character are skipped. */
  comment?: string;
  /** Column types by name, overriding inference ('int32' | 'float32' | 'float64' | 'utf8' | 'dictionary'). */
  types?: Record<string, CsvColumnType>;
  /** Bad rows: 'fail' (default), 'skip' or {quarantine: path}. */
  onError?: OnError;
  /** The longest row the reader buffers (default 32 MiB); a longer one is an error, not an out-of-memory. */
  maxRowBytes?: number;
}

/** The dialect to read with: the sniffed one, with every option the caller gave taking precedence. */
export function resolveDialect(options: CsvOptions, head: Uint8Array, complete: boolean): CsvDialect {
  const sniffed = sniffDialect(head, complete);
  const given = options.delimiter === undefined ? null : splitDelimiter(options.delimiter);
  const delimiter = given?.char ?? sniffed.delimiter;
  // Sniffed trimming belongs to the sniffed delimiter; it does not carry over to another one.
  const sniffedTrim = sniffed.trimLeadingSpaces && delimiter === sniffed.delimiter;
  const quote = options.quote === undefined ? sniffed.quote : options.quote;
  return {
    delimiter,
    quote,
    escape: options.escape ?? quote ?? '"',
    trimLeadingSpaces: options.trimLeadingSpaces ?? (given?.spaced || sniffedTrim),
  };
}

/** `", "` is a comma followed by spaces to trim; any other delimiter is taken as it is. */
function splitDelimiter(delimiter: string): { char: string; spaced: boolean } {
  const spaced = delimiter.length > 1 && delimiter.slice(1).trim() === '';
  return { char: spaced ? delimiter[0] : delimiter, spaced };
}

/** Rejects option values that cannot work, before any byte is read. */
export function checkCsvOptions(options: CsvOptions): void {
  if (options.delimiter !== undefined) asciiCode(splitDelimiter(options.delimiter).char, 'delimiter');
  if (typeof options.quote === 'string') asciiCode(options.quote, 'quote');
  if (options.escape !== undefined) asciiCode(options.escape, 'escape');
  if (options.comment !== undefined) asciiCode(options.comment, 'comment');
  for (const [name, type] of Object.entries(options.types ?? {})) {
    if (!CSV_COLUMN_TYPES.includes(type)) {
      throw new TypeError(`types.${name} must be one of ${CSV_COLUMN_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
    }
  }
  if (options.names !== undefined && new Set(options.names).size !== options.names.length) {
    throw new TypeError(`names has duplicates: ${options.names.join(', ')}`);
  }
  const max = options.maxRowBytes;
  if (max !== undefined && !(Number.isInteger(max) && max > 0)) {
    throw new RangeError(`maxRowBytes must be a positive integer, got ${max}`);
  }
}
