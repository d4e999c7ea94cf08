import { Type } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/io/index.ts';
import { fieldTypes } from './read-all.ts';

const TRAIN = 'fixtures/census/adult.data.csv';
const TEST = 'fixtures/census/adult.test.csv';

describe('readCsv on the census files', () => {
  it('reads all 32,561 training rows with no flags, the schema inferred', async () => {
    const reader = readCsv(TRAIN);
    const schema = await reader.schema();
    expect(fieldTypes({ schema })).toEqual([
      'age: Int32', 'workclass: Dictionary<Int32, Utf8>', 'fnlwgt: Int32', 'education: Dictionary<Int32, Utf8>',
      'education_num: Int32', 'marital_status: Dictionary<Int32, Utf8>', 'occupation: Dictionary<Int32, Utf8>',
      'relationship: Dictionary<Int32, Utf8>', 'race: Dictionary<Int32, Utf8>', 'gender: Dictionary<Int32, Utf8>',
      'capital_gain: Int32', 'capital_loss: Int32', 'hours_per_week: Int32', 'native_country: Dictionary<Int32, Utf8>',
      'income_bracket: Dictionary<Int32, Utf8>',
    ]);
    let rows = 0, first: unknown, last: unknown;
    for await (const batch of reader) {
      first ??= batch.get(0)!.toJSON();
      last = batch.get(batch.numRows - 1)!.toJSON();
      rows += batch.numRows;
    }
    expect(rows).toBe(32_561);
    expect(reader.stats).toEqual({ rowsIn: 32_561, rowsOut: 32_561, rowsRejected: 0 });
    // adult.data.csv line 2 and its last line, by hand.
    expect(first).toEqual({ age: 39, workclass: 'State-gov', fnlwgt: 77516, education: 'Bachelors', education_num: 13,
      marital_status: 'Never-married', occupation: 'Adm-clerical', relationship: 'Not-in-family', race: 'White',
      gender: 'Male', capital_gain: 2174, capital_loss: 0, hours_per_week: 40, native_country: 'United-States',
      income_bracket: '<=50K' });
    expect(last).toEqual({ age: 52, workclass: 'Self-emp-inc', fnlwgt: 287927, education: 'HS-grad', education_num: 9,
      marital_status: 'Married-civ-spouse', occupation: 'Exec-managerial', relationship: 'Wife', race: 'White',
      gender: 'Female', capital_gain: 15024, capital_loss: 0, hours_per_week: 40, native_country: 'United-States',
      income_bracket: '>50K' });
  });

  it('reads the 16,281 test rows, keeping the labels\' trailing dots and "?" as a category', async () => {
    const reader = readCsv(TEST);
    let rows = 0, questionMarks = 0, last: Record<string, unknown> = {};
    for await (const batch of reader) {
      rows += batch.numRows;
      const workclass = batch.getChild('workclass')!;
      expect(workclass.nullCount).toBe(0);
      for (let i = 0; i < batch.numRows; i++) if (workclass.get(i) === '?') questionMarks++;
      last = batch.get(batch.numRows - 1)!.toJSON();
    }
    expect(rows).toBe(16_281);
    expect(questionMarks).toBe(963); // awk -F", " '$2 == "?"' adult.test.csv | wc -l
    expect(last).toMatchObject({ age: 35, workclass: 'Self-emp-inc', fnlwgt: 182148, hours_per_week: 60,
      income_bracket: '>50K.' });
  });

  it('cuts the stream into batches of at most batchSize rows that share one growing dictionary', async () => {
    const batches = [];
    for await (const batch of readCsv(TRAIN, { batchSize: 10_000 })) batches.push(batch);
    expect(batches.map((b) => b.numRows)).toEqual([10_000, 10_000, 10_000, 2_561]);
    const dictionaries = batches.map((b) => b.getChild('workclass')!.data[0].dictionary!);
    expect(batches.every((b) => b.schema.fields[1].type.typeId === Type.Dictionary)).toBe(true);
    // Ids keep their meaning: each batch's dictionary starts with the previous batch's entries.
    for (let b = 1; b < dictionaries.length; b++) {
      const before = dictionaries[b - 1].toArray(), now = dictionaries[b].toArray();
      expect(now.slice(0, before.length)).toEqual(before);
    }
    // Once no new value appears, batches hold the very same dictionary object (consumers cache by identity).
    expect(dictionaries[3]).toBe(dictionaries[2]);
    expect(new Set(dictionaries[3].toArray())).toEqual(new Set(['State-gov', 'Self-emp-not-inc', 'Private',
      'Federal-gov', 'Local-gov', '?', 'Self-emp-inc', 'Without-pay', 'Never-worked']));
  });

  it('applies per-column type overrides', async () => {
    const reader = readCsv(TRAIN, { types: { age: 'float32', hours_per_week: 'float64', occupation: 'utf8' }, batchSize: 5 });
    const { value: batch } = await reader[Symbol.asyncIterator]().next();
    expect(String(batch.schema.fields[0].type)).toBe('Float32');
    expect(String(batch.schema.fields[12].type)).toBe('Float64');
    expect(String(batch.schema.fields[6].type)).toBe('Utf8');
    expect(batch.getChild('age')!.toArray()).toEqual(new Float32Array([39, 50, 38, 53, 28]));
    expect(batch.getChild('occupation')!.get(4)).toBe('Prof-specialty');
  });
});
