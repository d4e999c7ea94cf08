/**
 * TF's Bucketize: bucket(x) = number of boundaries b with b <= x (left-closed), compared in float32.
 * NaN and +Inf land in the last bucket, -Inf in bucket 0. `boundaries` must be strictly increasing.
 */
export function bucketize(values: Float32Array, count: number, boundaries: Float32Array, out: Int32Array): void {
  const nb = boundaries.length;
  for (let i = 0; i < count; i++) {
    const x = values[i];
    if (x !== x) { // NaN
      out[i] = nb;
      continue;
    }
    if (nb <= 32) { // few boundaries: a branch-free count beats the binary search
      let count = 0;
      for (let j = 0; j < nb; j++) count += boundaries[j] <= x ? 1 : 0;
      out[i] = count;
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
