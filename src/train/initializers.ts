/**
 * Weight initializers, as Keras defines them, drawing from the model's seeded `Random`.
 * - `glorotUniform`: U(−l, l), l = √(6 / (fanIn + fanOut)) (Keras' Dense default);
 * - `heNormal`: truncated normal, stddev √(2 / fanIn) / 0.87962566 (Keras' VarianceScaling
 *   correction for the truncation at two standard deviations);
 * - `zeros`;
 * - `{truncatedNormal: {mean, stddev}}`: TF's embedding-column default uses stddev 1/√dimension.
 */
import type { Random } from '../kernels/random.ts';

export type Initializer =
  | 'glorotUniform'
  | 'heNormal'
  | 'zeros'
  | { truncatedNormal: { mean?: number; stddev: number } };

/** Stddev of a unit normal truncated to [−2, 2]: VarianceScaling divides by it. */
const TRUNCATED_STDDEV = 0.87962566103423978;

/** Fills `values` (a [fanIn, fanOut] kernel, or any tensor) from `init`. */
export function initialize(init: Initializer, values: Float32Array, fanIn: number, fanOut: number, random: Random): void {
  if (init === 'zeros') {
    values.fill(0);
  } else if (init === 'glorotUniform') {
    const limit = Math.sqrt(6 / Math.max(1, fanIn + fanOut));
    for (let i = 0; i < values.length; i++) values[i] = random.uniformIn(-limit, limit);
  } else if (init === 'heNormal') {
    const stddev = Math.sqrt(2 / Math.max(1, fanIn)) / TRUNCATED_STDDEV;
    for (let i = 0; i < values.length; i++) values[i] = random.truncatedNormal(0, stddev);
  } else if (typeof init === 'object' && init !== null && 'truncatedNormal' in init) {
    const { mean = 0, stddev } = init.truncatedNormal;
    if (!(stddev > 0)) throw new Error(`truncatedNormal initializer needs stddev > 0, got ${stddev}`);
    for (let i = 0; i < values.length; i++) values[i] = random.truncatedNormal(mean, stddev);
  } else {
    throw new Error(`unknown initializer ${JSON.stringify(init)}; use 'glorotUniform', 'heNormal', 'zeros' or {truncatedNormal: {stddev}}`);
  }
}
