import { DataError } from '../spec/errors.ts';

/** Below this many rows a failing range is retried on each side of its bad row rather than halved. */
const SPLIT_ROWS = 256;

/** Rows `[start, end)` that transformed, and what the transform gave for them. */
export interface TransformedRange<T> {
  start: number;
  end: number;
  result: T;
}

/**
 * Transforms rows `[start, end)`, leaving out the rows the transform refuses. A transform error is per call, but
 * it names its row (a DataError's `row`, counted from the range's start) and such errors are row-local (a missing
 * value, an id out of range, ...), so the range is cut at that row, the row handed to `onBadRow`, and both sides
 * retried, large sides in halves: k bad rows cost O(k log n) calls and at most O(n log n) rows transformed.
 * `onBadRow` may throw (a fail policy) to stop. Returns the ranges that transformed, in row order.
 */
export function transformAroundBadRows<T>(start: number, end: number, transform: (start: number, end: number) => T,
    onBadRow: (row: number, error: DataError) => void): TransformedRange<T>[] {
  const done: TransformedRange<T>[] = [];
  const attempt = (a: number, b: number): void => {
    if (a >= b) return;
    let result: T;
    try {
      result = transform(a, b);
    } catch (err) {
      if (!(err instanceof DataError) || !(err.row >= 0 && err.row < b - a)) throw err;
      const at = a + err.row;
      onBadRow(at, err);
      split(a, at);
      split(at + 1, b);
      return;
    }
    done.push({ start: a, end: b, result });
  };
  const split = (a: number, b: number): void => {
    if (b - a <= SPLIT_ROWS) return attempt(a, b);
    const mid = a + ((b - a) >> 1);
    attempt(a, mid);
    attempt(mid, b);
  };
  attempt(start, end);
  return done;
}
