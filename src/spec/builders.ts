/**
 * The ten TensorFlow builders, with TF's argument names in camelCase and TF's defaults.
 * Required arguments are positional, as in TF; the rest go in an options object.
 * Each validates what TF validates at construction (and a few things TF finds only later).
 */
export { numericColumn, bucketizedColumn, type NumericOptions } from './numeric-builders.ts';
export {
  categoricalColumnWithIdentity, categoricalColumnWithVocabularyList, categoricalColumnWithVocabularyFile,
  categoricalColumnWithHashBucket, crossedColumn, type IdentityOptions, type VocabularyOptions, type VocabularyFileOptions,
} from './categorical-builders.ts';
export { indicatorColumn, embeddingColumn, weightedCategoricalColumn, type EmbeddingOptions } from './wrapper-builders.ts';
