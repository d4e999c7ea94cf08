import { isUtf8 } from 'node:buffer';
import { ReadError } from '../errors.ts';
import type { CsvOptions } from './csv-options.ts';
import { resolveDialect } from './csv-options.ts';
import { type CsvDialect, delimiterHint, dialectBytes, type DialectBytes } from './dialect.ts';
import { fieldText } from './field-text.ts';
import type { InputBuffer } from './input-buffer.ts';
import { RowSpans } from './row-spans.ts';
import { TOKENIZE, tokenizeRows } from './tokenizer.ts';

/** More columns than this in one row is not a table but a wrong delimiter or a binary file. */
const MAX_COLUMNS = 1 << 16;
const BOM = [0xef, 0xbb, 0xbf];

/** What the first line of a CSV file says: its dialect and column names (null: no rows and no names). */
export interface CsvHead {
  dialect: CsvDialect;
  bytes: DialectBytes;
  names: string[] | null;
  /** The first line as text, for hints about a wrong delimiter. */
  firstLine: string;
}

/**
 * Reads the head of a CSV file: skips a UTF-8 BOM, resolves the dialect, and takes the names from the
 * header (consumed) or from `names` / f0, f1, ... (the first row is then only counted, not consumed).
 */
export async function readHead(input: InputBuffer, options: CsvOptions, file: string): Promise<CsvHead> {
  await input.fill();
  const buf = input.buf;
  if (input.end >= 3 && BOM.every((b, i) => buf[i] === b)) input.cursor.pos = 3;
  const dialect = resolveDialect(options, buf.subarray(input.cursor.pos, input.end), input.eof);
  const bytes = dialectBytes(dialect, options.comment);
  const hasHeader = options.header ?? options.names === undefined;
  const first = await tokenizeFirstRow(input, bytes, file);
  if (first === null) return { dialect, bytes, names: options.names ?? null, firstLine: '' };
  const { spans, fields } = first;
  const line = spans.lines[0];
  const firstLine = fieldText(input.buf, spans.rowStarts[0], spans.rowEnds[0], { ...bytes, quote: -1 });
  const givenNames = options.names;
  if (givenNames !== undefined && givenNames.length !== fields) {
    throw new ReadError({ file, line }, `names lists ${givenNames.length} columns but the ${hasHeader ? 'header' : 'first row'} ` +
      `has ${fields} field${fields === 1 ? '' : 's'}${fields === 1 ? delimiterHint(firstLine, dialect.delimiter) : ''}`);
  }
  if (!hasHeader) {
    input.cursor.pos = spans.rowStarts[0];
    input.cursor.line = line;
    return { dialect, bytes, names: givenNames ?? Array.from({ length: fields }, (_, j) => `f${j}`), firstLine };
  }
  if (!isUtf8(input.buf.subarray(spans.rowStarts[0], spans.rowEnds[0]))) {
    throw new ReadError({ file, line }, 'the header is not valid UTF-8');
  }
  const names = givenNames ?? headerNames(input.buf, spans, fields, bytes, file, line);
  return { dialect, bytes, names, firstLine };
}

/** Tokenizes the first row with room for any number of fields; null when the file has no row at all. */
async function tokenizeFirstRow(input: InputBuffer, bytes: DialectBytes, file: string):
    Promise<{ spans: RowSpans; fields: number } | null> {
  const spans = new RowSpans(1, MAX_COLUMNS);
  for (;;) {
    const status = tokenizeRows(input.buf, input.end, input.eof, bytes, spans, input.cursor, 1);
    if (status === TOKENIZE.UNTERMINATED_QUOTE) {
      throw new ReadError({ file, line: input.cursor.line }, 'unterminated quote: the file ends inside a quoted field');
    }
    if (status !== TOKENIZE.NEED_MORE) break;
    spans.clear();
    await input.fill();
  }
  if (spans.rows === 0) return null;
  const fields = spans.fieldCounts[0];
  if (fields > MAX_COLUMNS) {
    throw new ReadError({ file, line: spans.lines[0] }, `more than ${MAX_COLUMNS} fields in one row`);
  }
  if (fields < 0) throw new ReadError({ file, line: spans.lines[0] }, 'unexpected text after a closing quote');
  return { spans, fields };
}

function headerNames(buf: Uint8Array, spans: RowSpans, fields: number, bytes: DialectBytes, file: string,
    line: number): string[] {
  const names: string[] = [];
  const seen = new Map<string, number>();
  for (let j = 0; j < fields; j++) {
    const name = fieldText(buf, spans.starts[j], spans.ends[j], bytes).trimEnd() || `f${j}`;
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw new ReadError({ file, line, column: name },
        `duplicate column name in the header (fields ${earlier + 1} and ${j + 1}); pass names to rename`);
    }
    seen.set(name, j);
    names.push(name);
  }
  return names;
}
