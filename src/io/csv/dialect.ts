/** How a CSV file separates and quotes its fields. */
export interface CsvDialect {
  /** One character: `,` `\t` `;` `|` ... */
  delimiter: string;
  /** The quote character, or null when fields are never quoted. */
  quote: string | null;
  /** Escapes a quote inside a quoted field: the quote itself (`""`, RFC 4180) or `\`. */
  escape: string;
  /** Skip spaces after a delimiter (the census files separate fields with ", "). */
  trimLeadingSpaces: boolean;
}

const CANDIDATES = [',', '\t', ';', '|'];
/** Enough lines to see the shape of a file, and small enough to cost nothing. */
const SNIFF_BYTES = 8192;

/**
 * Guesses the dialect from the head of a file: the candidate delimiter that splits every sampled record into
 * the same number (> 1) of fields, preferring more fields, then the order `,` tab `;` `|`; spaces after
 * the delimiter are trimmed when every delimiter in the sample is followed by one.
 * `complete` says the sample is the whole file (else its last, possibly cut, record is ignored).
 */
export function sniffDialect(sample: Uint8Array, complete = false): CsvDialect {
  const text = new TextDecoder().decode(sample.subarray(0, SNIFF_BYTES));
  const wholeText = complete && sample.length <= SNIFF_BYTES;
  let best: { delimiter: string; fields: number; consistent: boolean; spaced: boolean } | null = null;
  for (const delimiter of CANDIDATES) {
    const shape = recordShape(text, delimiter, '"', wholeText);
    if (shape.fields < 2) continue;
    const better = best === null || (shape.consistent && !best.consistent) ||
      (shape.consistent === best.consistent && shape.fields > best.fields);
    if (better) best = { delimiter, ...shape };
  }
  return {
    delimiter: best?.delimiter ?? ',',
    quote: '"',
    escape: '"',
    trimLeadingSpaces: best?.spaced ?? false,
  };
}

/**
 * Field count of the first record, whether every sampled record has that count, and whether every
 * delimiter is followed by a space. Quotes are honoured, so a quoted delimiter or newline is not counted.
 */
function recordShape(text: string, delimiter: string, quote: string, wholeText: boolean):
    { fields: number; consistent: boolean; spaced: boolean } {
  const counts: number[] = [];
  let fields = 1, delimiters = 0, spaced = 0, inQuotes = false, lineHasText = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === quote) inQuotes = false;
    } else if (c === quote) {
      inQuotes = true;
    } else if (c === delimiter) {
      fields++;
      delimiters++;
      if (text[i + 1] === ' ') spaced++;
    } else if (c === '\n') {
      if (lineHasText) counts.push(fields);
      fields = 1;
      lineHasText = false;
      continue;
    }
    if (c !== '\r') lineHasText = true;
  }
  if (wholeText && lineHasText) counts.push(fields);
  if (counts.length === 0) return { fields: 1, consistent: false, spaced: false };
  return {
    fields: counts[0],
    consistent: counts.every((n) => n === counts[0]),
    spaced: delimiters > 0 && spaced === delimiters,
  };
}

/** Resolved dialect as byte codes for the tokenizer (-1 = none). */
export interface DialectBytes {
  delimiter: number;
  quote: number;
  escape: number;
  trimLeadingSpaces: boolean;
  comment: number;
}

export function dialectBytes(d: CsvDialect, comment: string | undefined): DialectBytes {
  return {
    delimiter: asciiCode(d.delimiter, 'delimiter'),
    quote: d.quote === null ? -1 : asciiCode(d.quote, 'quote'),
    escape: asciiCode(d.escape, 'escape'),
    trimLeadingSpaces: d.trimLeadingSpaces,
    comment: comment === undefined ? -1 : asciiCode(comment, 'comment'),
  };
}

/** The byte of a one-character option; throws a TypeError naming the option otherwise. */
export function asciiCode(ch: string, option: string): number {
  const code = ch.charCodeAt(0);
  if (ch.length !== 1 || code > 0x7f || ch === '\n' || ch === '\r') {
    throw new TypeError(`${option} must be one ASCII character other than a line break, got ${JSON.stringify(ch)}`);
  }
  return code;
}

/**
 * A hint for a file that came out as one column: the candidate delimiters the line does contain.
 * Returns '' when there is nothing to suggest.
 */
export function delimiterHint(line: string, used: string): string {
  const found = CANDIDATES.filter((d) => d !== used && line.includes(d))
    .map((d) => `${JSON.stringify(d)} (${line.split(d).length - 1} times)`);
  return found.length === 0 ? '' : `; the line contains ${found.join(', ')}: is the delimiter wrong?`;
}
