// The canonical census feature set (columns/census.ts) over the first 200 rows of the UCI Adult data.
// Every expected number here comes from the CSV text or the vocabularies, worked out by hand.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Dictionary, Float64, Int32, Table, Utf8, type Vector, vectorFromArray } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { columns, deep, wide } from '../columns/census.ts';
import { columnName, compile, type FeatureBatch } from '../src/index.ts';

const CSV = fileURLToPath(new URL('../fixtures/census/adult.data.csv', import.meta.url));
const NUMERIC = new Set(['age', 'fnlwgt', 'education_num', 'capital_gain', 'capital_loss', 'hours_per_week']);
const ROWS = 200;

interface Parsed { header: string[]; rows: string[][] }

/** The CSV by hand: a header line, then fields separated by ', '. */
function parseCensus(limit: number): Parsed {
  const lines = readFileSync(CSV, 'utf8').split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.length > 0);
  const header = lines[0].split(', ');
  const rows = lines.slice(1, 1 + limit).map((l) => l.split(', '));
  return { header, rows };
}

function censusTable({ header, rows }: Parsed, strings: 'utf8' | 'dictionary'): Table {
  const vectors: Record<string, Vector> = {};
  header.forEach((name, j) => {
    const values = rows.map((r) => r[j]);
    if (NUMERIC.has(name)) vectors[name] = vectorFromArray(values.map(Number), new Float64());
    else if (strings === 'utf8') vectors[name] = vectorFromArray(values, new Utf8());
    else vectors[name] = vectorFromArray(values, new Dictionary(new Utf8(), new Int32()));
  });
  return new Table(vectors);
}

const EDUCATION = ['Bachelors', 'HS-grad', '11th', 'Masters', '9th', 'Some-college', 'Assoc-acdm', 'Assoc-voc', '7th-8th',
  'Doctorate', 'Prof-school', '5th-6th', '10th', '1st-4th', 'Preschool', '12th'];
const MARITAL = ['Married-civ-spouse', 'Divorced', 'Married-spouse-absent', 'Never-married', 'Separated', 'Married-AF-spouse', 'Widowed'];
const RELATIONSHIP = ['Husband', 'Not-in-family', 'Wife', 'Own-child', 'Unmarried', 'Other-relative'];
const WORKCLASS = ['Self-emp-not-inc', 'Private', 'State-gov', 'Federal-gov', 'Local-gov', '?', 'Self-emp-inc', 'Without-pay', 'Never-worked'];

const oneHot = (depth: number, at: number): number[] => Array.from({ length: depth }, (_, i) => (i === at ? 1 : 0));

describe('census feature set over adult.data.csv', () => {
  let parsed: Parsed;
  let utf8: Table;
  let dict: Table;
  let fb: FeatureBatch;
  let fbAll: FeatureBatch;

  beforeAll(() => {
    parsed = parseCensus(ROWS);
    utf8 = censusTable(parsed, 'utf8');
    dict = censusTable(parsed, 'dictionary');
    const graph = compile(columns, utf8.schema);
    fb = graph.transform(utf8);
    fbAll = graph.transform(utf8, { sparse: 'all' });
  });

  it('parses 200 rows of 15 fields whose first row is the one the test expects', () => {
    expect(parsed.header).toHaveLength(15);
    expect(parsed.rows).toHaveLength(ROWS);
    expect(parsed.rows.every((r) => r.length === 15)).toBe(true);
    expect(parsed.rows[0].slice(0, 8)).toEqual(['39', 'State-gov', '77516', 'Bachelors', '13', 'Never-married', 'Adm-clerical', 'Not-in-family']);
    expect(utf8.numRows).toBe(ROWS);
    expect(String(dict.schema.fields.find((f) => f.name === 'workclass')!.type)).toMatch(/^Dictionary/);
  });

  it('gives a 43-wide dense block', () => {
    expect(fb.numRows).toBe(ROWS);
    expect(fb.dense.shape).toEqual([ROWS, 43]);
    expect(fb.dense.values.length).toBe(ROWS * 43);
  });

  it('lays out the dense columns sorted by name', () => {
    expect(fb.dense.layout.map((e) => e.name)).toEqual([
      'age', 'capital_gain', 'capital_loss', 'education_indicator', 'education_num', 'hours_per_week',
      'marital_status_indicator', 'relationship_indicator', 'workclass_indicator',
    ]);
    expect(fb.dense.layout.map((e) => e.width)).toEqual([1, 1, 1, 16, 1, 1, 7, 6, 9]);
    expect(fb.dense.layout.map((e) => e.offset)).toEqual([0, 1, 2, 3, 19, 20, 21, 28, 34]);
    const workclass = fb.dense.layout.find((e) => e.name === 'workclass_indicator')!;
    expect(workclass.slots).toEqual(WORKCLASS.map((w) => `workclass_indicator[${w}]`));
  });

  it("computes row 0's 43 values from the CSV's first row", () => {
    // 39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, ...
    const expected = [
      39, // age
      2174, // capital_gain
      0, // capital_loss
      ...oneHot(16, EDUCATION.indexOf('Bachelors')), // education_indicator
      13, // education_num
      40, // hours_per_week
      ...oneHot(7, MARITAL.indexOf('Never-married')), // marital_status_indicator
      ...oneHot(6, RELATIONSHIP.indexOf('Not-in-family')), // relationship_indicator
      ...oneHot(9, WORKCLASS.indexOf('State-gov')), // workclass_indicator
    ];
    expect(expected).toHaveLength(43);
    expect(Array.from(fb.dense.values.subarray(0, 43))).toEqual(expected);
  });

  it('matches a by-hand computation on every one of the 200 rows', () => {
    const col = (name: string) => parsed.header.indexOf(name);
    for (let r = 0; r < ROWS; r++) {
      const row = parsed.rows[r];
      const want = [
        Number(row[col('age')]), Number(row[col('capital_gain')]), Number(row[col('capital_loss')]),
        ...oneHot(16, EDUCATION.indexOf(row[col('education')])),
        Number(row[col('education_num')]), Number(row[col('hours_per_week')]),
        ...oneHot(7, MARITAL.indexOf(row[col('marital_status')])),
        ...oneHot(6, RELATIONSHIP.indexOf(row[col('relationship')])),
        ...oneHot(9, WORKCLASS.indexOf(row[col('workclass')])),
      ];
      expect(Array.from(fb.dense.values.subarray(r * 43, (r + 1) * 43)), `row ${r}`).toEqual(want);
    }
  });

  it('gives identical output for Utf8 and dictionary-encoded strings', () => {
    for (const sparse of ['default', 'all'] as const) {
      const a = compile(columns, utf8.schema).transform(utf8, { sparse });
      const b = compile(columns, dict.schema).transform(dict, { sparse });
      expect(b.dense.shape).toEqual(a.dense.shape);
      expect(b.dense.layout).toEqual(a.dense.layout);
      expect(b.dense.values).toEqual(a.dense.values);
      expect(Object.keys(b.sparse).sort()).toEqual(Object.keys(a.sparse).sort());
      for (const name of Object.keys(a.sparse)) {
        expect(b.sparse[name].ids, name).toEqual(a.sparse[name].ids);
        expect(b.sparse[name].offsets, name).toEqual(a.sparse[name].offsets);
        expect(b.sparse[name].cardinality, name).toBe(a.sparse[name].cardinality);
      }
    }
  });

  it("by default yields only the embedding and the crosses as ragged ids", () => {
    expect(Object.keys(fb.sparse).sort()).toEqual(
      ['age_bucketized_X_education_X_occupation', 'education_X_occupation', 'occupation_embedding']);
  });

  it("with {sparse: 'all'} yields exactly the wide part's columns plus occupation_embedding", () => {
    const expected = [...wide.map(columnName), 'occupation_embedding'].sort();
    expect(Object.keys(fbAll.sparse).sort()).toEqual(expected);
    expect(fbAll.dense.values).toEqual(fb.dense.values);
    // The deep list alone compiles to the same 43-wide dense block.
    expect(compile(deep, utf8.schema).transform(utf8).dense.values).toEqual(fb.dense.values);
  });

  it('gives each wide column one id per row, within its cardinality', () => {
    const cardinality: Record<string, number> = {
      education: 16, marital_status: 7, relationship: 6, workclass: 9, occupation: 1000, age_bucketized: 11,
      education_X_occupation: 1000, age_bucketized_X_education_X_occupation: 1000, occupation_embedding: 1000,
    };
    for (const [name, t] of Object.entries(fbAll.sparse)) {
      expect(t.cardinality, name).toBe(cardinality[name]);
      expect(Array.from(t.offsets), name).toEqual(Array.from({ length: ROWS + 1 }, (_, i) => i));
      expect(t.ids.every((id) => id >= 0 && id < t.cardinality), name).toBe(true);
    }
    expect(fbAll.sparse.occupation_embedding.dimension).toBe(8);
    // Row 0: age 39 is in [35, 40) = bucket 4 of boundaries [18, 25, 30, 35, 40, ...]
    expect(fbAll.sparse.age_bucketized.ids[0]).toBe(4);
    expect(fbAll.sparse.education.ids[0]).toBe(0);
    expect(fbAll.sparse.workclass.ids[0]).toBe(2);
    // The embedding reads the same hashed occupation ids as the bare hash bucket column.
    expect(fbAll.sparse.occupation_embedding.ids).toEqual(fbAll.sparse.occupation.ids);
  });

  it("maps the '?' workclass to its vocabulary id 5: a real category, not missing", () => {
    const w = parsed.header.indexOf('workclass');
    const questionRows = parsed.rows.map((r, i) => (r[w] === '?' ? i : -1)).filter((i) => i >= 0);
    expect(questionRows[0]).toBe(27); // 54, ?, 180211, Some-college, ...
    expect(questionRows.length).toBeGreaterThan(5);
    const workclass = fbAll.sparse.workclass;
    const block = fb.dense.layout.find((e) => e.name === 'workclass_indicator')!;
    for (const r of questionRows) {
      expect(Array.from(workclass.ids.subarray(workclass.offsets[r], workclass.offsets[r + 1])), `row ${r}`).toEqual([5]);
      expect(Array.from(fb.dense.values.subarray(r * 43 + block.offset, r * 43 + block.offset + 9)), `row ${r}`).toEqual(oneHot(9, 5));
    }
    // occupation is also '?' on those rows: hashed like any other string, so it still has an id.
    const occupation = fbAll.sparse.occupation;
    for (const r of questionRows) expect(occupation.offsets[r + 1] - occupation.offsets[r]).toBe(1);
  });
});
