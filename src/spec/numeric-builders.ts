import { describe } from './describe-column.ts';
import { NUMERIC_DTYPES, FLOAT_DTYPES } from './dtypes.ts';
import { SpecError } from './errors.ts';
import type { BucketizedColumn, FloatDType, Normalizer, NumericColumn, NumericDType } from './types.ts';
import { deepFreeze, featureKey, oneOf, positiveInt } from './validate.ts';

/** numericColumn and bucketizedColumn, with TF's arguments and defaults and its construction-time checks. */

export interface NumericOptions {
  shape?: number | readonly number[];
  /** A scalar (broadcast to the shape) or nested arrays matching the shape. */
  defaultValue?: number | readonly unknown[] | null;
  dtype?: NumericDType;
  normalizer?: Normalizer | null;
}

export function numericColumn(key: string, options: NumericOptions = {}): NumericColumn {
  featureKey(key, 'numericColumn');
  const shape = typeof options.shape === 'number' ? [options.shape] : [...(options.shape ?? [1])];
  if (shape.length === 0) throw new SpecError(key, 'shape must have at least one dimension, e.g. [1]');
  shape.forEach((d) => positiveInt(key, 'each shape dimension', d));
  const dtype = oneOf(key, 'dtype', options.dtype ?? 'float32', NUMERIC_DTYPES);
  return deepFreeze({
    type: 'numeric', key, shape, dtype,
    defaultValue: numericDefault(key, options.defaultValue ?? null, shape, dtype),
    normalizer: checkNormalizer(key, options.normalizer ?? null),
  });
}

function numericDefault(key: string, value: number | readonly unknown[] | null, shape: readonly number[], dtype: NumericDType): number[] | null {
  const size = shape.reduce((a, b) => a * b, 1);
  if (value === null) return null;
  if (typeof value !== 'number' && !Array.isArray(value)) {
    throw new SpecError(key, `defaultValue must be a number or nested arrays of numbers matching shape [${shape}], got ${JSON.stringify(value)}`);
  }
  const flat = typeof value === 'number' ? new Array<number>(size).fill(value) : (value as unknown[]).flat(Infinity);
  if (!(typeof value === 'number' || nestedLike(value, shape)) || !flat.every((v) => typeof v === 'number')) {
    throw new SpecError(key, `defaultValue must be a number or nested arrays of ${size} numbers matching the shape, got ${JSON.stringify(value)}`);
  }
  if (!FLOAT_DTYPES.includes(dtype as FloatDType) && !flat.every((v) => Number.isInteger(v))) {
    throw new SpecError(key, `defaultValue ${JSON.stringify(value)} must be integers for dtype ${dtype}; use dtype 'float32' for fractional defaults`);
  }
  return flat as number[];
}

/** TF: the default's nesting must equal the shape (a flat list is the nesting of a 1-d shape). */
function nestedLike(value: unknown, shape: readonly number[]): boolean {
  if (shape.length === 0) return typeof value === 'number';
  return Array.isArray(value) && value.length === shape[0] && value.every((v) => nestedLike(v, shape.slice(1)));
}

function checkNormalizer(key: string, normalizer: Normalizer | null): Normalizer | null {
  if (normalizer === null || normalizer === 'log1p' || normalizer === 'zscore' || normalizer === 'minmax') return normalizer;
  if ('zscore' in normalizer) {
    const { mean, std } = normalizer.zscore;
    if (!Number.isFinite(mean) || !Number.isFinite(std) || std <= 0) {
      throw new SpecError(key, `zscore normalizer needs a finite mean and std > 0, got mean=${mean} std=${std}`);
    }
    return { zscore: { mean, std } };
  }
  if ('minmax' in normalizer) {
    const { min, max } = normalizer.minmax;
    if (!Number.isFinite(min) || !Number.isFinite(max) || !(max > min)) {
      throw new SpecError(key, `minmax normalizer needs finite min < max, got min=${min} max=${max}`);
    }
    return { minmax: { min, max } };
  }
  throw new SpecError(key, `unknown normalizer ${JSON.stringify(normalizer)}; use {zscore: {mean, std}}, {minmax: {min, max}}, 'log1p', or 'zscore' / 'minmax' to measure them with fit`);
}

/** Boundaries given, or `{numBuckets}` for quantile boundaries that `fit` measures. */
export function bucketizedColumn(sourceColumn: NumericColumn, boundaries: readonly number[] | { numBuckets: number }): BucketizedColumn {
  if (sourceColumn?.type !== 'numeric') {
    throw new SpecError(describe(sourceColumn), 'bucketizedColumn needs a numericColumn as its source');
  }
  const name = `${sourceColumn.key}_bucketized`;
  if (sourceColumn.shape.length !== 1) {
    throw new SpecError(name, `source column must have a 1-d shape, got [${sourceColumn.shape}]`);
  }
  if (!Array.isArray(boundaries) && typeof boundaries === 'object' && boundaries !== null && 'numBuckets' in boundaries) {
    const numBuckets = boundaries.numBuckets;
    if (!(Number.isInteger(numBuckets) && numBuckets >= 2)) throw new SpecError(name, `numBuckets must be an integer >= 2, got ${numBuckets}`);
    return deepFreeze({ type: 'bucketized', sourceColumn, boundaries: { fromData: { numBuckets } } });
  }
  if (!Array.isArray(boundaries) || boundaries.length === 0) {
    throw new SpecError(name, 'boundaries must be a non-empty sorted list of numbers');
  }
  for (let i = 0; i < boundaries.length; i++) {
    if (typeof boundaries[i] !== 'number' || Number.isNaN(boundaries[i])) {
      throw new SpecError(name, `boundary ${i} is not a number: ${JSON.stringify(boundaries[i])}`);
    }
    if (i > 0 && !(boundaries[i - 1] < boundaries[i])) {
      throw new SpecError(name, `boundaries must be a sorted list without duplicates: ${boundaries[i - 1]} >= ${boundaries[i]} at index ${i}`);
    }
    // Buckets are compared in float32, as TF does; two boundaries that round together would make an empty bucket.
    if (i > 0 && Math.fround(boundaries[i - 1]) === Math.fround(boundaries[i])) {
      throw new SpecError(name, `boundaries ${boundaries[i - 1]} and ${boundaries[i]} are equal in float32; drop one of them`);
    }
  }
  return deepFreeze({ type: 'bucketized', sourceColumn, boundaries: [...boundaries] });
}
