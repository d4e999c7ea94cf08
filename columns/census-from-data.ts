/**
 * The census feature set with what data decides left to `fcol fit` (or `fit()`): vocabularies counted from the
 * training file, quantile age buckets, z-scored numbers. `npm run demo` fits it on adult.data.csv, then
 * transforms both census files with the fitted spec.
 */
import {
  bucketizedColumn, categoricalColumnWithHashBucket, categoricalColumnWithVocabularyList, crossedColumn,
  embeddingColumn, indicatorColumn, numericColumn, vocabularyFromData,
} from '../src/index.ts';

const zscored = (key: string) => numericColumn(key, { normalizer: 'zscore' });
const vocabulary = (key: string) => categoricalColumnWithVocabularyList(key, vocabularyFromData({ minFrequency: 5 }), { numOovBuckets: 1 });

const age = numericColumn('age');
const ageBuckets = bucketizedColumn(age, { numBuckets: 10 });
const education = vocabulary('education');
const occupation = categoricalColumnWithHashBucket('occupation', 1000);

export const columns = [
  zscored('age'), zscored('education_num'), zscored('capital_gain'), zscored('capital_loss'), zscored('hours_per_week'),
  indicatorColumn(vocabulary('workclass')), indicatorColumn(education), indicatorColumn(vocabulary('marital_status')),
  indicatorColumn(vocabulary('relationship')), embeddingColumn(occupation, 8),
  crossedColumn([education, 'occupation'], 1000), crossedColumn([ageBuckets, education, 'occupation'], 1000),
];

export const label = { key: 'income_bracket', positive: ['>50K', '>50K.'] };

export default columns;
