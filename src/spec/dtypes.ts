import type { CategoricalDType, Combiner, FloatDType, NumericDType } from './types.ts';

/** The dtype and combiner names the builders accept (TF's names). */
export const FLOAT_DTYPES: readonly FloatDType[] = ['float16', 'float32', 'float64'];
export const INT_DTYPES = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'] as const;
export const NUMERIC_DTYPES: readonly NumericDType[] = [...FLOAT_DTYPES, ...INT_DTYPES];
export const CATEGORICAL_DTYPES: readonly CategoricalDType[] = ['string', ...INT_DTYPES];
export const COMBINERS: readonly Combiner[] = ['mean', 'sum', 'sqrtn'];
