import type { DialectBytes } from './dialect.ts';
import { fieldText, isQuoted, type NullTokens } from './field-text.ts';
import { classifyNumber, NUMBER_KIND } from './parse-number.ts';
import type { RowSpans } from './row-spans.ts';

/** Column types a CSV reader produces; `types: {name: ...}` overrides the inferred one. */
export type CsvColumnType = 'int32' | 'float32' | 'float64' | 'utf8' | 'dictionary';

export const CSV_COLUMN_TYPES: readonly CsvColumnType[] = ['int32', 'float32', 'float64', 'utf8', 'dictionary'];

/** A string column is dictionary-encoded when it has at most this many distinct values in the sample... */
const DICTIONARY_MAX_DISTINCT = 10_000;
/** ...and at most one distinct value per this many non-null values (values repeat). */
const DICTIONARY_MIN_REPEAT = 2;

const encoder = new TextEncoder();

/**
 * Infers a type per column from the sample rows in `spans` (rows with the wrong field count are ignored):
 * int32 when every non-null value is an int32 integer, float64 when every value is a number (including
 * integers beyond int32), otherwise dictionary for low-cardinality strings and utf8 for the rest.
 * A column with no values at all is utf8.
 */
export function inferColumnTypes(buf: Uint8Array, spans: RowSpans, d: DialectBytes, nulls: NullTokens): CsvColumnType[] {
  const types: CsvColumnType[] = [];
  for (let j = 0; j < spans.numColumns; j++) types.push(inferColumn(buf, spans, j, d, nulls));
  return types;
}

function inferColumn(buf: Uint8Array, spans: RowSpans, j: number, d: DialectBytes, nulls: NullTokens): CsvColumnType {
  let widest: number = NUMBER_KIND.INT32, values = 0;
  for (let r = 0; r < spans.rows && widest !== NUMBER_KIND.NOT_A_NUMBER; r++) {
    if (spans.fieldCounts[r] !== spans.numColumns) continue;
    const k = r * spans.numColumns + j, s = spans.starts[k], e = spans.ends[k];
    let kind: number;
    if (isQuoted(buf, s, e, d.quote)) {
      const content = encoder.encode(fieldText(buf, s, e, d));
      if (nulls.matches(content, 0, content.length)) continue;
      kind = classifyNumber(content, 0, content.length);
    } else {
      if (nulls.matches(buf, s, e)) continue;
      kind = classifyNumber(buf, s, e);
    }
    values++;
    if (kind > widest) widest = kind;
  }
  if (values === 0) return 'utf8';
  if (widest === NUMBER_KIND.INT32) return 'int32';
  if (widest !== NUMBER_KIND.NOT_A_NUMBER) return 'float64';
  return isLowCardinality(buf, spans, j, d, nulls) ? 'dictionary' : 'utf8';
}

function isLowCardinality(buf: Uint8Array, spans: RowSpans, j: number, d: DialectBytes, nulls: NullTokens): boolean {
  const distinct = new Set<string>();
  let values = 0;
  for (let r = 0; r < spans.rows; r++) {
    if (spans.fieldCounts[r] !== spans.numColumns) continue;
    const k = r * spans.numColumns + j, s = spans.starts[k], e = spans.ends[k];
    if (!isQuoted(buf, s, e, d.quote) && nulls.matches(buf, s, e)) continue;
    values++;
    distinct.add(fieldText(buf, s, e, d));
    if (distinct.size > DICTIONARY_MAX_DISTINCT) return false;
  }
  return distinct.size * DICTIONARY_MIN_REPEAT <= values;
}
