/**
 * Piecewise-linear encoding of a numeric input with bins fitted to the labels (Gorishniy, Rubachev and
 * Babenko, "On Embeddings for Numerical Features in Tabular Deep Learning", NeurIPS 2022: PLE with
 * target-aware bins). A DNN over a raw or standardized number must carve thresholds out of one input with
 * its ReLUs; census capital_gain, mostly 0 and reaching 99,999, has its income jumps at a handful of
 * values. Given the bin edges b_0 < … < b_T, the number x becomes T values in [0, 1]: bin t is 0 below
 * b_{t−1}, 1 above b_t and linear between (the first bin extends below b_0, the last above b_T), so the
 * network sees where x lies and how far, and a threshold is one weight.
 *
 * The edges come from a one-feature decision tree grown best first to at most T leaves (as scikit-learn's
 * DecisionTreeClassifier with max_leaf_nodes, which the tests compare against): each split maximizes the
 * decrease in the targets' summed variance (for 0/1 labels or one-hot classes, the Gini impurity up to a
 * factor), no leaf holds fewer than `minRows` rows, and a threshold is the midpoint of two neighbouring
 * distinct values.
 */

export interface BinFitOptions {
  /** At most this many bins (tree leaves). */
  bins: number;
  /** No bin holds fewer than this many rows. */
  minRows: number;
}

/**
 * Bin edges [b_0 = min, thresholds ascending…, b_T = max] for `values` (NaN skipped) with targets
 * `targets[i·width .. (i+1)·width)`: length T + 1 with 1 ≤ T ≤ bins, or [] when no value is finite.
 */
export function fitBinEdges(values: ArrayLike<number>, targets: ArrayLike<number>, width: number, options: BinFitOptions): number[] {
  const distinct = distinctValues(values, targets, width);
  const n = distinct.xs.length;
  if (n === 0) return [];
  const edges = [distinct.xs[0], distinct.xs[n - 1]];
  const open: Split[] = [];
  const push = (lo: number, hi: number): void => {
    const split = bestSplit(distinct, lo, hi, options.minRows);
    if (split !== null) open.push(split);
  };
  push(0, n);
  for (let leaves = 1; leaves < options.bins && open.length > 0; leaves++) {
    let best = 0;
    for (let i = 1; i < open.length; i++) if (open[i].gain > open[best].gain) best = i;
    const split = open.splice(best, 1)[0];
    edges.push(split.threshold);
    push(split.lo, split.at);
    push(split.at, split.hi);
  }
  return edges.sort((a, b) => a - b);
}

/**
 * Writes the encoding of x over `count` bins, whose edges are edges[from..from+count], to out[at..at+count);
 * see the module comment. A bin of zero width (one distinct value seen) encodes as 0 for x at or below its
 * edge, else 1.
 */
export function encodePiecewiseLinear(x: number, edges: Float32Array, from: number, count: number, out: Float32Array, at: number): void {
  for (let t = 1; t <= count; t++) {
    const lo = edges[from + t - 1], hi = edges[from + t];
    let v: number;
    if (t > 1 && x < lo) v = 0;
    else if (t < count && x >= hi) v = 1;
    else if (hi > lo) v = (x - lo) / (hi - lo);
    else v = x > lo ? 1 : 0;
    out[at + t - 1] = v;
  }
}

/** The sorted distinct finite values with prefix sums over them of row counts, targets and squared targets. */
interface Distinct {
  xs: number[];
  /** countBefore[u] = rows with a value below xs[u]; length xs.length + 1 (the last is every row). */
  countBefore: Float64Array;
  /** sumBefore[u·width + d] = Σ targets[d] over those rows. */
  sumBefore: Float64Array;
  /** squaresBefore[u] = Σ_d targets[d]² over those rows. */
  squaresBefore: Float64Array;
  width: number;
}

function distinctValues(values: ArrayLike<number>, targets: ArrayLike<number>, width: number): Distinct {
  const order: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) order.push(i);
  order.sort((a, b) => values[a] - values[b] || a - b);
  const xs: number[] = [];
  for (const i of order) if (xs.length === 0 || values[i] !== xs[xs.length - 1]) xs.push(values[i]);
  const n = xs.length;
  const countBefore = new Float64Array(n + 1), sumBefore = new Float64Array((n + 1) * width), squaresBefore = new Float64Array(n + 1);
  // Per distinct value first (slot u + 1), then running sums.
  let u = -1, previous = NaN;
  for (const i of order) {
    if (values[i] !== previous) {
      u++;
      previous = values[i];
    }
    countBefore[u + 1]++;
    for (let d = 0; d < width; d++) {
      const y = targets[i * width + d];
      sumBefore[(u + 1) * width + d] += y;
      squaresBefore[u + 1] += y * y;
    }
  }
  for (let v = 1; v <= n; v++) {
    countBefore[v] += countBefore[v - 1];
    squaresBefore[v] += squaresBefore[v - 1];
    for (let d = 0; d < width; d++) sumBefore[v * width + d] += sumBefore[(v - 1) * width + d];
  }
  return { xs, countBefore, sumBefore, squaresBefore, width };
}

interface Split {
  lo: number;
  hi: number;
  /** The right child starts at distinct value `at`. */
  at: number;
  threshold: number;
  /** Decrease of the summed squared deviation from the mean: Σ_d (S_L²/n_L + S_R²/n_R − S²/n). */
  gain: number;
}

/** The best split of distinct values [lo, hi), or null when none leaves minRows on each side or none helps. */
function bestSplit(distinct: Distinct, lo: number, hi: number, minRows: number): Split | null {
  const { xs, countBefore, sumBefore, squaresBefore, width } = distinct;
  const n = countBefore[hi] - countBefore[lo];
  let parent = 0;
  for (let d = 0; d < width; d++) {
    const s = sumBefore[hi * width + d] - sumBefore[lo * width + d];
    parent += (s * s) / n;
  }
  // The node's squared deviation; a split must remove more than rounding noise of it (a pure node has none).
  const deviation = squaresBefore[hi] - squaresBefore[lo] - parent;
  let best: Split | null = null;
  for (let at = lo + 1; at < hi; at++) {
    const nLeft = countBefore[at] - countBefore[lo], nRight = n - nLeft;
    if (nLeft < minRows) continue;
    if (nRight < minRows) break;
    let score = -parent;
    for (let d = 0; d < width; d++) {
      const left = sumBefore[at * width + d] - sumBefore[lo * width + d];
      const right = sumBefore[hi * width + d] - sumBefore[at * width + d];
      score += (left * left) / nLeft + (right * right) / nRight;
    }
    if (best === null || score > best.gain) best = { lo, hi, at, threshold: xs[at - 1] / 2 + xs[at] / 2, gain: score };
  }
  const noise = 1e-12 * (squaresBefore[hi] - squaresBefore[lo] + 1);
  return best !== null && deviation > noise && best.gain > noise ? best : null;
}
