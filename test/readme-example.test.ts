import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  bucketizedColumn, categoricalColumnWithHashBucket, categoricalColumnWithVocabularyList, compile, crossedColumn,
  embeddingColumn, fromConfig, indicatorColumn, numericColumn, toConfig,
} from '../src/index.ts';

// The README's example, checked value by value against what TF's rules give by hand.
describe('README example', () => {
  const table = tableFromArrays({
    age: Float64Array.from([39, 50, 17]),
    workclass: ['State-gov', 'Private', '?'],
    occupation: ['Adm-clerical', 'Exec-managerial', 'Sales'],
  });
  const age = numericColumn('age');
  const workclass = categoricalColumnWithVocabularyList('workclass', ['Private', 'State-gov', '?']);
  const occupation = categoricalColumnWithHashBucket('occupation', 1000);
  const columns = [age, bucketizedColumn(age, [18, 25, 30]), indicatorColumn(workclass),
    embeddingColumn(occupation, 8), crossedColumn([workclass, 'occupation'], 100)];
  const graph = compile(columns, table.schema);
  const batch = graph.transform(table);

  it('gives the dense rows: age, age buckets one-hot, workclass counts, in name order', () => {
    expect(batch.dense.shape).toEqual([3, 8]);
    expect(Array.from(batch.dense.values)).toEqual([
      39, 0, 0, 0, 1, 0, 1, 0, // 39 >= 30: last bucket; State-gov is id 1
      50, 0, 0, 0, 1, 1, 0, 0,
      17, 1, 0, 0, 0, 0, 0, 1, // 17 < 18: bucket 0; '?' is a real category, id 2
    ]);
    expect(batch.dense.layout.map((e) => e.name)).toEqual(['age', 'age_bucketized', 'workclass_indicator']);
    expect(batch.dense.layout[1].slots).toEqual([
      'age_bucketized[-inf,18)', 'age_bucketized[18,25)', 'age_bucketized[25,30)', 'age_bucketized[30,+inf)',
    ]);
  });

  it('gives one embedding id per row and one cross id per row', () => {
    const emb = batch.sparse['occupation_embedding'];
    expect(Array.from(emb.offsets)).toEqual([0, 1, 2, 3]);
    expect(emb).toMatchObject({ cardinality: 1000, combiner: 'mean', dimension: 8 });
    expect(Array.from(batch.sparse['occupation_X_workclass'] /* names sorted, as TF */.offsets)).toEqual([0, 1, 2, 3]);
  });

  it('round-trips through TF JSON', () => {
    expect(fromConfig(JSON.parse(JSON.stringify(toConfig(columns))))).toEqual(columns);
  });
});
