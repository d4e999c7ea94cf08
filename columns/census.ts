/**
 * The canonical census feature set: the columns of TensorFlow's wide & deep census tutorial
 * (shared/data/census/README.md), over the UCI Adult data.
 */
import {
  bucketizedColumn, categoricalColumnWithHashBucket, categoricalColumnWithIdentity, categoricalColumnWithVocabularyList,
  crossedColumn, embeddingColumn, indicatorColumn, numericColumn,
} from '../src/index.ts';

export const age = numericColumn('age');
export const educationNum = numericColumn('education_num');
export const capitalGain = numericColumn('capital_gain');
export const capitalLoss = numericColumn('capital_loss');
export const hoursPerWeek = numericColumn('hours_per_week');

export const ageBuckets = bucketizedColumn(age, [18, 25, 30, 35, 40, 45, 50, 55, 60, 65]);

export const education = categoricalColumnWithVocabularyList('education', [
  'Bachelors', 'HS-grad', '11th', 'Masters', '9th', 'Some-college', 'Assoc-acdm', 'Assoc-voc', '7th-8th',
  'Doctorate', 'Prof-school', '5th-6th', '10th', '1st-4th', 'Preschool', '12th',
]);
export const maritalStatus = categoricalColumnWithVocabularyList('marital_status', [
  'Married-civ-spouse', 'Divorced', 'Married-spouse-absent', 'Never-married', 'Separated', 'Married-AF-spouse', 'Widowed',
]);
export const relationship = categoricalColumnWithVocabularyList('relationship', [
  'Husband', 'Not-in-family', 'Wife', 'Own-child', 'Unmarried', 'Other-relative',
]);
export const workclass = categoricalColumnWithVocabularyList('workclass', [
  'Self-emp-not-inc', 'Private', 'State-gov', 'Federal-gov', 'Local-gov', '?', 'Self-emp-inc', 'Without-pay', 'Never-worked',
]);
export const occupation = categoricalColumnWithHashBucket('occupation', 1000);
/** Defined by the tutorial; in neither part of the canonical model. */
export const educationNumId = categoricalColumnWithIdentity('education_num', 17);

export const educationXOccupation = crossedColumn(['education', 'occupation'], 1000);
export const ageXEducationXOccupation = crossedColumn([ageBuckets, 'education', 'occupation'], 1000);

/** The wide (linear) part: ragged ids, one weight per id. */
export const wide = [education, maritalStatus, relationship, workclass, occupation, ageBuckets, educationXOccupation, ageXEducationXOccupation];

/** The deep part: 43 dense floats, plus an 8-wide occupation embedding. */
export const deep = [
  age, educationNum, capitalGain, capitalLoss, hoursPerWeek,
  indicatorColumn(workclass), indicatorColumn(education), indicatorColumn(maritalStatus), indicatorColumn(relationship),
  embeddingColumn(occupation, 8),
];

/**
 * Both parts as one list: the deep columns plus the crosses. The wide part's other columns sit inside
 * them (age buckets in a cross, the vocabularies in indicators, occupation in the embedding), so
 * `transform(batch, {sparse: 'all'})` yields ragged ids for all of `wide` while the dense part stays 43 wide.
 */
export const columns = [...deep, educationXOccupation, ageXEducationXOccupation];

/** Income over $50K; the test file writes the labels with a trailing dot. */
export const label = { key: 'income_bracket', positive: ['>50K', '>50K.'] };

export default columns;
