/**
 * Fused loss + gradient kernels: one pass computes the mean loss and d(mean loss)/d(logits),
 * so the trainer never materializes probabilities. Both use the log-sum-exp forms that stay
 * finite for any finite logit.
 */

/** Mean softmax cross-entropy over rows with integer labels; `grad` may alias `logits`. */
export function softmaxCrossEntropyInto(logits: Float32Array, labels: Int32Array, rows: number, classes: number,
  grad: Float32Array): number {
  const scale = 1 / rows;
  let total = 0;
  for (let r = 0, o = 0; r < rows; r++, o += classes) {
    let max = -Infinity;
    for (let j = 0; j < classes; j++) if (logits[o + j] > max) max = logits[o + j];
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += Math.exp(logits[o + j] - max);
    const label = labels[r];
    total += max + Math.log(sum) - logits[o + label];
    const inv = scale / sum;
    for (let j = 0; j < classes; j++) grad[o + j] = Math.exp(logits[o + j] - max) * inv;
    grad[o + label] -= scale;
  }
  return total * scale;
}

/**
 * Mean sigmoid cross-entropy over n logits with labels in [0, 1]:
 * max(x, 0) − x·z + log(1 + e^−|x|), gradient (sigmoid(x) − z) / n. `grad` may alias `logits`.
 */
export function sigmoidCrossEntropyInto(logits: Float32Array, labels: Float32Array, n: number,
  grad: Float32Array): number {
  const scale = 1 / n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = logits[i], z = labels[i];
    const e = Math.exp(-Math.abs(x)); // ≤ 1: neither term below can overflow
    total += (x > 0 ? x : 0) - x * z + Math.log1p(e);
    const sigmoid = x >= 0 ? 1 / (1 + e) : e / (1 + e);
    grad[i] = (sigmoid - z) * scale;
  }
  return total * scale;
}
