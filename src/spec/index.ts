export * from './types.ts';
export * from './builders.ts';
export { toConfig, fromConfig, type ColumnConfig } from './config.ts';
export { vocabularyFromData, pendingFits, type VocabularyFromDataOptions } from './from-data.ts';
export { columnName, numBuckets, crossLeaves, compareCodePoints } from './names.ts';
export { SpecError, DataError } from './errors.ts';
