import { FitError } from './errors.ts';

/** Values in [0, SMALL) are counted in a typed array (ages, small ids, codes: the common case), the rest in a Map. */
const SMALL = 1 << 16;

/**
 * How often each distinct integer of a feature occurs. Past `distinctLimit` distinct values it stops
 * counting unless `exact` is set (features a vocabulary is counted from).
 */
export class IntCounts {
  /** small[v]: occurrences of v, for 0 <= v < SMALL (allocated on first use). */
  small: Float64Array | null = null;
  /** Occurrences of every other value. */
  large = new Map<number, number>();
  /** -1 cells of dense batches: TF's lookup drops them, so vocabularies skip them. */
  denseMinusOne = 0;
  capped = false;
  private smallDistinct = 0;

  constructor(private readonly key: string, private readonly distinctLimit: number, readonly exact: boolean) {}

  /** Counts values[0 .. n) (integers read as float64). */
  add(values: Float64Array, n: number, dense: boolean): void {
    if (this.capped) return;
    if (this.exact) this.checkSafe(values, n);
    const small = (this.small ??= new Float64Array(SMALL));
    const large = this.large;
    const minusOneBefore = large.get(-1) ?? 0;
    let newSmall = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v >= 0 && v < SMALL) {
        if (small[v]++ === 0) newSmall++;
      } else {
        large.set(v, (large.get(v) ?? 0) + 1);
      }
    }
    this.smallDistinct += newSmall;
    if (dense) this.denseMinusOne += (large.get(-1) ?? 0) - minusOneBefore;
    if (!this.exact && this.distinct > this.distinctLimit) this.stopCounting();
  }

  get distinct(): number {
    return this.capped ? this.distinctLimit : this.smallDistinct + this.large.size;
  }

  /** Every value seen with its count (what the vocabulary counts: dense -1 cells left out). */
  entries(): { values: number[]; counts: number[] } {
    const values: number[] = [];
    const counts: number[] = [];
    const small = this.small;
    if (small) for (let v = 0; v < SMALL; v++) if (small[v] > 0) values.push(v), counts.push(small[v]);
    for (const [v, c] of this.large) values.push(v), counts.push(v === -1 ? c - this.denseMinusOne : c);
    return { values, counts };
  }

  /** A vocabulary of integers beyond 2^53 would hold other numbers than the data's (JS numbers lose them). */
  private checkSafe(values: Float64Array, n: number): void {
    for (let i = 0; i < n; i++) {
      if (!Number.isSafeInteger(values[i])) {
        throw new FitError(this.key, `a value (about ${values[i].toExponential(3)}) is beyond 2^53, so JavaScript numbers cannot hold it exactly; map such ids to smaller ones or to strings`);
      }
    }
  }

  private stopCounting(): void {
    this.capped = true;
    this.small = null;
    this.large = new Map();
  }
}
