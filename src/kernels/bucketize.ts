/**
 * TF's Bucketize: bucket(x) = number of boundaries b with b <= x (left-closed), compared in float32.
 * NaN and +Inf land in the last bucket, -Inf in bucket 0. `boundaries` must be strictly increasing.
 */
export type Bucketizer = (values: Float32Array, count: number, out: Int32Array) => void;

/**
 * A bucketizer for fixed boundaries. Up to 64 boundaries it is generated code: the boundaries become
 * constants in one branch-free sum of comparisons, several times faster than a loop over an array.
 */
export function compileBucketizer(boundaries: Float32Array): Bucketizer {
  if (boundaries.length <= 64) {
    try {
      const terms = Array.from(boundaries, (b) => `(x >= ${numberLiteral(b)})`).join(' + ');
      return new Function('values', 'count', 'out',
        `for (let i = 0; i < count; i++) { const x = values[i]; out[i] = x !== x ? ${boundaries.length} : ${terms}; }`) as Bucketizer;
    } catch {
      // Code generation disallowed (a content security policy): the plain loop below does the same.
    }
  }
  return (values, count, out) => bucketize(values, count, boundaries, out);
}

export function bucketize(values: Float32Array, count: number, boundaries: Float32Array, out: Int32Array): void {
  const nb = boundaries.length;
  for (let i = 0; i < count; i++) {
    const x = values[i];
    if (x !== x) { // NaN
      out[i] = nb;
      continue;
    }
    let lo = 0;
    let hi = nb;
    while (lo < hi) { // upper_bound: first boundary > x
      const mid = (lo + hi) >>> 1;
      if (boundaries[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo;
  }
}

/** The exact value as a JS literal (float32 boundaries are exact doubles; String keeps all their digits). */
function numberLiteral(b: number): string {
  if (Object.is(b, -0)) return '-0';
  return String(b);
}
