import { describe, expect, it } from 'vitest';
import { readCsv, sniffDialect } from '../../src/io/index.ts';
import { fieldTypes, readAll } from './read-all.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('sniffDialect', () => {
  it('recognizes the census ", " separator as a comma with trimmed spaces', () => {
    expect(sniffDialect(bytes('age, workclass, fnlwgt\n39, State-gov, 77516\n'), true))
      .toEqual({ delimiter: ',', quote: '"', escape: '"', trimLeadingSpaces: true });
  });

  it('picks the delimiter that splits every record alike, ignoring quoted ones', () => {
    expect(sniffDialect(bytes('a;b;c\n1;"x,y,z,w";3\n'), true).delimiter).toBe(';');
    expect(sniffDialect(bytes('a\tb\n1\t2\n'), true).delimiter).toBe('\t');
    expect(sniffDialect(bytes('a|b|c\n1|2|3\n'), true).delimiter).toBe('|');
    expect(sniffDialect(bytes('a,b\n1,2\n'), true).trimLeadingSpaces).toBe(false);
  });

  it('ignores a last record that the sample may have cut', () => {
    expect(sniffDialect(bytes('a,b,c\n1,2,3\n4,5'), false).delimiter).toBe(',');
  });

  it('falls back to a comma for a one-column file', () => {
    expect(sniffDialect(bytes('name\nAda\n'), true).delimiter).toBe(',');
  });
});

describe('readCsv dialects, with no flags', () => {
  it('reads a plain comma file with nulls for empty fields', async () => {
    const { batches, rows } = await readAll(readCsv('fixtures/io/plain-comma.csv'));
    expect(fieldTypes(batches[0])).toEqual(['id: Int32', 'name: Utf8', 'score: Float64', 'city: Dictionary<Int32, Utf8>']);
    expect(rows).toEqual([
      { id: 1, name: 'Ada', score: 3.5, city: 'London' },
      { id: 2, name: 'Grace', score: null, city: 'New York' },
      { id: 3, name: 'Linus', score: 4.25, city: null },
      { id: 4, name: 'Ada', score: -1000, city: 'London' },
      { id: 5, name: null, score: 0, city: 'London' },
    ]);
    expect(batches[0].getChild('score')!.nullCount).toBe(1);
  });

  it('reads quoted fields: delimiters, doubled quotes and line breaks inside, "" as an empty string', async () => {
    const reader = readCsv('fixtures/io/quoted.csv', { types: { quote: 'utf8' } });
    const { rows } = await readAll(reader);
    expect(rows.map((r) => r.quote)).toEqual(['Hello, world', 'She said "hi"', 'two\nlines', '', 'plain']);
    expect(rows.map((r) => r.city)).toEqual(['London', 'Paris', 'London', 'Paris', 'London']);
    expect(reader.stats.rowsOut).toBe(5);
  });

  it('reads CRLF line ends without keeping the CR', async () => {
    const { rows } = await readAll(readCsv('fixtures/io/crlf.csv'));
    expect(rows).toEqual([
      { id: 1, name: 'Ada', score: 3.5 }, { id: 2, name: 'Grace', score: 4 }, { id: 3, name: 'Linus', score: null },
    ]);
  });

  it('reads tab- and semicolon-separated files', async () => {
    expect((await readAll(readCsv('fixtures/io/tabs.tsv'))).rows[1]).toEqual({ id: 2, name: 'Grace', score: 4 });
    // "3,5" is not a number with a point, so score stays a string column.
    expect((await readAll(readCsv('fixtures/io/semicolon.csv'))).rows[0]).toEqual({ id: 1, name: 'Ada', score: '3,5' });
  });
});

describe('readCsv dialect flags', () => {
  it('skips comment lines and reads the given null tokens as nulls', async () => {
    const { rows } = await readAll(readCsv('fixtures/io/na-comments.csv', { comment: '#', nullValues: ['', 'NA'] }));
    expect(rows).toEqual([{ id: 1, label: 'a', value: null }, { id: 2, label: null, value: 7 }, { id: 3, label: 'b', value: null }]);
  });

  it('keeps NA as a value unless it is a null token', async () => {
    const { rows } = await readAll(readCsv('fixtures/io/na-comments.csv', { comment: '#' }));
    expect(rows.map((r) => r.label)).toEqual(['a', 'NA', 'b']);
    expect(rows.map((r) => r.value)).toEqual(['NA', '7', null]);
  });

  it('honours backslash escapes', async () => {
    const { rows } = await readAll(readCsv('fixtures/io/backslash.csv', { escape: '\\' }));
    expect(rows.map((r) => r.text)).toEqual(['say "hi"', 'back\\slash']);
  });

  it('lets flags override the sniffed dialect', async () => {
    // Read as ';'-separated, the comma file is one column per line.
    const { batches, rows } = await readAll(readCsv('fixtures/io/plain-comma.csv', { delimiter: ';' }));
    expect(fieldTypes(batches[0])).toEqual(['id,name,score,city: Utf8']);
    expect(rows[0]).toEqual({ 'id,name,score,city': '1,Ada,3.5,London' });
    // ", " as the delimiter means a comma with spaces trimmed.
    const census = await readAll(readCsv('fixtures/io/census-100.csv', { delimiter: ', ', batchSize: 1 }));
    expect(census.rows[0].workclass).toBe('State-gov');
    // Without trimming, the census fields keep their leading space.
    const raw = await readAll(readCsv('fixtures/io/census-100.csv', { trimLeadingSpaces: false }));
    expect(raw.rows[0][' workclass']).toBe(' State-gov');
  });

  it('takes names instead of a header, or replaces the header with them', async () => {
    const noHeader = await readAll(readCsv('fixtures/io/crlf.csv', { names: ['a', 'b', 'c'] }));
    expect(noHeader.rows[0]).toEqual({ a: 'id', b: 'name', c: 'score' });
    expect(noHeader.rows).toHaveLength(4);
    const renamed = await readAll(readCsv('fixtures/io/crlf.csv', { names: ['a', 'b', 'c'], header: true }));
    expect(renamed.rows[0]).toEqual({ a: 1, b: 'Ada', c: 3.5 });
    const generated = await readAll(readCsv('fixtures/io/crlf.csv', { header: false }));
    expect(Object.keys(generated.rows[0])).toEqual(['f0', 'f1', 'f2']);
  });

  it('reads quotes as plain characters when quote is null', async () => {
    const { rows } = await readAll(readCsv('fixtures/io/backslash.csv', { quote: null }));
    expect(rows[0].text).toBe('"say \\"hi\\""');
  });
});

describe('readCsv option checks', () => {
  it('rejects dialect characters that cannot work, when the reader is made', () => {
    expect(() => readCsv('fixtures/io/crlf.csv', { delimiter: '::' })).toThrow('delimiter must be one ASCII character other than a line break, got "::"');
    expect(() => readCsv('fixtures/io/crlf.csv', { quote: '\n' })).toThrow(/quote must be one ASCII character/);
    expect(() => readCsv('fixtures/io/crlf.csv', { comment: '' })).toThrow(/comment must be one ASCII character/);
    expect(() => readCsv('fixtures/io/crlf.csv', { batchSize: 0 })).toThrow('batchSize must be a positive integer, got 0');
    expect(() => readCsv('fixtures/io/crlf.csv', { names: ['a', 'a'] })).toThrow('names has duplicates: a, a');
  });
});
