import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadFields } from '../../src/io/csv/column-builder.ts';
import { makeBuilders, makePlan } from '../../src/io/csv/column-plan.ts';
import { dialectBytes } from '../../src/io/csv/dialect.ts';
import type { CsvColumnType } from '../../src/io/csv/infer-types.ts';
import { NullTokens } from '../../src/io/csv/field-text.ts';
import { RowSpans } from '../../src/io/csv/row-spans.ts';
import { TOKENIZE, tokenizeRows } from '../../src/io/csv/tokenizer.ts';
import { WasmTokenizer } from '../../src/io/csv/wasm-tokenizer.ts';

/**
 * Dictionary and int32 columns converted with the WebAssembly module's help (dictionary mirrors, int32 fields)
 * against the builders alone (the reference): the same keys, values, dictionaries, nulls and bad fields,
 * batch by batch, run by run.
 */

const D = dialectBytes({ delimiter: ',', quote: '"', escape: '"', trimLeadingSpaces: true }, undefined);

function build(bytes: Uint8Array, types: CsvColumnType[], nullValues: readonly string[], capacity: number, batchSize: number,
    wasm: boolean) {
  const names = types.map((_, j) => `c${j}`);
  const plan = makePlan('t', names, types, types.map(() => false));
  const nulls = new NullTokens(nullValues);
  const tok = wasm ? WasmTokenizer.create(capacity, types.length)! : null;
  const builders = makeBuilders(plan, { capacity: batchSize, dialect: D, nulls, accelerator: tok });
  let spans = new RowSpans(capacity, types.length);
  if (tok !== null) {
    tok.load(bytes);
    spans = tok.spans;
  }
  const bad = new BadFields();
  const out: unknown[] = [];
  const cursor = { pos: 0, line: 1 };
  const finish = () => out.push(builders.map((b) => {
    const data = b.finish();
    return { values: [...data.values], nulls: data.nullCount, bitmap: [...(data.nullBitmap ?? [])],
      dictionary: data.dictionary ? data.dictionary.toArray() : null };
  }));
  for (;;) {
    spans.clear();
    const maxRows = Math.min(capacity, batchSize - builders[0].length);
    const status = tok !== null ? tok.tokenize(bytes.length, true, D, cursor, maxRows)
      : tokenizeRows(bytes, bytes.length, true, D, spans, cursor, maxRows);
    bad.clear();
    for (let j = 0; j < builders.length; j++) builders[j].append(bytes, spans, j, bad);
    out.push({ rows: spans.rows, bad: [...bad.rows], columns: [...bad.columns], reasons: [...bad.reasons] });
    if (bad.size > 0 || spans.badRows > 0) { // the reader's path: drop the bad rows, append the run again
      const drop = new Uint8Array(spans.rows);
      for (const r of bad.rows) drop[r] = 1;
      for (let r = 0; r < spans.rows; r++) if (spans.fieldCounts[r] !== types.length) drop[r] = 1;
      const start = builders[0].length - spans.rows;
      spans.removeRows(drop);
      bad.clear();
      for (let j = 0; j < builders.length; j++) {
        builders[j].truncate(start);
        builders[j].append(bytes, spans, j, bad);
      }
    }
    if (builders[0].length >= batchSize) finish();
    if (status === TOKENIZE.END || status === TOKENIZE.UNTERMINATED_QUOTE) break;
  }
  if (builders[0].length > 0) finish();
  return out;
}

const encode = (text: string) => new TextEncoder().encode(text);

describe('dictionary and int32 columns with the WebAssembly module', () => {
  it('match the builders alone on values that are quoted, null tokens, empty, invalid UTF-8 or ragged', () => {
    const value = fc.constantFrom('a', 'b', 'Bachelors', 'Married-civ-spouse', '"a"', '"?"', '?', '', '""', 'NA', '"NA"',
      'x\u00e9', '\u00ff', '12345678', '123456789abcdefgh', '"a,b"', '"q""q"', 'a ', 'b', 'Married-civ-spousE',
      // for the int32 column
      '42 ', '-7', '+0012', '-0', '999999999', '1234567890', '2147483647', '2147483648', '-2147483648', '-', '+', '1 2',
      '"5"', '" 6 "', '1e3', '0x1', '3.0', '00000000000000000001');
    const row = fc.array(value, { minLength: 2, maxLength: 4 }).map((vs) => vs.join(', '));
    fc.assert(fc.property(fc.array(row, { maxLength: 40 }), fc.constantFrom([''], ['', '?'], ['NA'], []),
      fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 12 }), (rows, nullValues, capacity, batchSize) => {
        // ÿ stands for a byte that is not UTF-8 (0xff); the int32 column sees numbers and text alike
        const bytes = encode(rows.join('\n').replace(/\u00ff/g, '\u0001')).map((b) => (b === 1 ? 0xff : b));
        const types: CsvColumnType[] = ['dictionary', 'int32', rows.length % 2 === 0 ? 'int32' : 'dictionary'];
        expect(build(bytes, types, nullValues, capacity, batchSize, true))
          .toEqual(build(bytes, types, nullValues, capacity, batchSize, false));
      }), { numRuns: 1500 });
  });

  it('match with more dictionary columns than mirrors, full mirrors and long entries', () => {
    const columns = 20, lines: string[] = [];
    for (let r = 0; r < 3000; r++) {
      const fields: string[] = [];
      for (let j = 0; j < columns; j++) {
        if (j === 0) fields.push(`v${r}`); // 3000 distinct: more entries than a mirror holds
        else if (j === 1) fields.push(`${'long'.repeat(300)}${r % 5}`); // longer than a mirrored entry may be
        else if (j === 2) fields.push(`${'w'.repeat(40)}${r}`); // more bytes than a mirror holds
        else fields.push(`c${j}-${r % (j + 1)}`);
      }
      lines.push(fields.join(','));
    }
    const bytes = encode(lines.join('\r\n') + '\r\n');
    const types: CsvColumnType[] = Array.from({ length: columns }, () => 'dictionary');
    for (const [capacity, batchSize] of [[512, 1000], [8192, 65536]]) {
      expect(build(bytes, types, [''], capacity, batchSize, true)).toEqual(build(bytes, types, [''], capacity, batchSize, false));
    }
  });
});
