/**
 * Area under the ROC curve of binary predictions (labels > 0.5 are positives), two ways:
 * - `method: 'exact'` (default): keeps every score and computes the Mann–Whitney statistic at
 *   `result()` by sorting (ties count half), the exact area, as scikit-learn's roc_auc_score;
 * - `method: 'thresholds'`: TF/Keras' streaming AUC: confusion counts at `numThresholds` (200)
 *   thresholds (−ε, 1/(n−1), ..., (n−2)/(n−1), 1+ε; predicted positive when score > threshold) and
 *   the trapezoid rule over the resulting ROC points (summation_method 'interpolation'). Memory
 *   is O(numThresholds); its value is within about 1/numThresholds of the exact one.
 */
import { type Metric, requireElementwise } from './metric.ts';

export interface AucOptions {
  method?: 'exact' | 'thresholds';
  numThresholds?: number;
  name?: string;
}

export class AUC implements Metric {
  readonly name: string;
  readonly method: 'exact' | 'thresholds';
  readonly numThresholds: number;
  private positives: Float32Array = new Float32Array(1024);
  private negatives: Float32Array = new Float32Array(1024);
  private numPositives = 0;
  private numNegatives = 0;
  private readonly thresholds: Float64Array;
  /** Per bucket b: scores with exactly b thresholds below them, positive and negative. */
  private readonly bucketPos: Float64Array;
  private readonly bucketNeg: Float64Array;

  constructor(options: AucOptions = {}) {
    this.method = options.method ?? 'exact';
    this.numThresholds = options.numThresholds ?? 200;
    this.name = options.name ?? 'auc';
    if (!(Number.isInteger(this.numThresholds) && this.numThresholds >= 2)) throw new Error(`AUC: numThresholds must be an integer ≥ 2, got ${this.numThresholds}`);
    const n = this.method === 'thresholds' ? this.numThresholds : 0;
    this.thresholds = new Float64Array(n);
    for (let i = 0; i < n; i++) this.thresholds[i] = i / (n - 1);
    if (n > 0) {
      this.thresholds[0] = -1e-7;
      this.thresholds[n - 1] = 1 + 1e-7;
    }
    this.bucketPos = new Float64Array(n + 1);
    this.bucketNeg = new Float64Array(n + 1);
  }

  reset(): void {
    this.numPositives = 0;
    this.numNegatives = 0;
    this.bucketPos.fill(0);
    this.bucketNeg.fill(0);
  }

  update(predictions: Float32Array, labels: Float32Array, rows: number, units: number, labelWidth: number): void {
    requireElementwise(this.name, units, labelWidth);
    const n = rows * units;
    if (this.method === 'thresholds') {
      for (let i = 0; i < n; i++) {
        const b = this.bucket(predictions[i]);
        if (labels[i] > 0.5) this.bucketPos[b]++;
        else this.bucketNeg[b]++;
      }
      return;
    }
    if (this.positives.length < this.numPositives + n) this.positives = grow(this.positives, this.numPositives + n);
    if (this.negatives.length < this.numNegatives + n) this.negatives = grow(this.negatives, this.numNegatives + n);
    for (let i = 0; i < n; i++) {
      if (labels[i] > 0.5) this.positives[this.numPositives++] = predictions[i];
      else this.negatives[this.numNegatives++] = predictions[i];
    }
  }

  result(): number {
    return this.method === 'thresholds' ? this.thresholdResult() : this.exactResult();
  }

  /** P(score of a random positive > score of a random negative) + ½ P(equal). */
  private exactResult(): number {
    const np = this.numPositives, nn = this.numNegatives;
    if (np === 0 || nn === 0) return NaN;
    const pos = this.positives.slice(0, np).sort(), neg = this.negatives.slice(0, nn).sort();
    let below = 0, wins = 0, j = 0;
    for (let i = 0; i < np; i++) {
      const s = pos[i];
      while (j < nn && neg[j] < s) j++;
      below = j;
      let k = j;
      while (k < nn && neg[k] === s) k++;
      wins += below + 0.5 * (k - j);
    }
    return wins / (np * nn);
  }

  /** Trapezoids over (fpr, tpr) at each threshold, from the bucket counts. */
  private thresholdResult(): number {
    const n = this.numThresholds;
    let tp = 0, fp = 0; // scores above threshold i: the buckets > i
    for (let b = 0; b <= n; b++) {
      tp += this.bucketPos[b];
      fp += this.bucketNeg[b];
    }
    const totalPos = tp, totalNeg = fp;
    if (totalPos === 0 || totalNeg === 0) return NaN;
    let area = 0, prevTpr = -1, prevFpr = -1;
    for (let i = 0; i < n; i++) {
      // scores above threshold i are those in buckets i+1 .. n
      tp -= this.bucketPos[i];
      fp -= this.bucketNeg[i];
      const tpr = tp / totalPos, fpr = fp / totalNeg;
      if (i > 0) area += (prevFpr - fpr) * (prevTpr + tpr) / 2;
      prevTpr = tpr;
      prevFpr = fpr;
    }
    return area;
  }

  /** How many thresholds lie strictly below `score`. */
  private bucket(score: number): number {
    const t = this.thresholds;
    let lo = 0, hi = t.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (t[mid] < score) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function grow(a: Float32Array, need: number): Float32Array {
  const b = new Float32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}
