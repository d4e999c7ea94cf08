import { compareCodePoints } from '../spec/names.ts';
import { FitError } from './errors.ts';
import type { IntCounts } from './int-counts.ts';
import type { StringCounts } from './string-counts.ts';

/** A vocabulary chosen from counts, and what was left out. */
export interface VocabularyChoice<V extends string | number = string | number> {
  values: V[];
  /** counts[i]: occurrences of values[i]. */
  counts: number[];
  /** Distinct values the lookup would see (dense '' / -1 cells left out), and their occurrences. */
  distinct: number;
  occurrences: number;
  droppedByMinFrequency: { values: number; occurrences: number };
  droppedByTopK: { values: number; occurrences: number };
}

export interface VocabularyRule {
  topK: number | null;
  minFrequency: number;
}

/** Most frequent first, ties by value in code-point order; only the strings that can make the cut are decoded. */
export function chooseStringVocabulary(key: string, counted: StringCounts, rule: VocabularyRule): VocabularyChoice<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const { interner, counts } = counted;
  const decode = (code: number): string => {
    try {
      return decoder.decode(interner.bytesOf(code));
    } catch {
      throw new FitError(key, `a value is not valid UTF-8 (bytes ${[...interner.bytesOf(code).slice(0, 16)].join(' ')}); fix the data's encoding`);
    }
  };
  // Code 0 is ''; its dense cells are not values (TF's lookup drops them).
  const countOf = (code: number): number => (code === 0 ? counts[0] - counted.denseEmpty : counts[code]);
  return choose(interner.size, countOf, decode, compareCodePoints, rule);
}

/** Most frequent first, ties by smaller value. */
export function chooseIntVocabulary(counted: IntCounts, rule: VocabularyRule): VocabularyChoice<number> {
  const { values, counts } = counted.entries();
  return choose(values.length, (i) => counts[i], (i) => values[i], (a, b) => a - b, rule);
}

function choose<V extends string | number>(
  size: number, countOf: (i: number) => number, valueOf: (i: number) => V, compare: (a: V, b: V) => number, rule: VocabularyRule,
): VocabularyChoice<V> {
  const { topK, minFrequency } = rule;
  const candidateCounts = new Float64Array(size);
  let distinct = 0, occurrences = 0, candidates = 0, candidateOccurrences = 0;
  const droppedByMinFrequency = { values: 0, occurrences: 0 };
  for (let i = 0; i < size; i++) {
    const c = countOf(i);
    if (c <= 0) continue;
    distinct++;
    occurrences += c;
    if (c < minFrequency) {
      droppedByMinFrequency.values++;
      droppedByMinFrequency.occurrences += c;
    } else {
      candidateCounts[candidates++] = c;
      candidateOccurrences += c;
    }
  }
  // Only values counted at least as often as the topK-th most frequent can be kept: decode just those.
  let threshold = minFrequency;
  if (topK !== null && candidates > topK) {
    const sorted = candidateCounts.subarray(0, candidates).sort();
    threshold = Math.max(threshold, sorted[candidates - topK]);
  }
  const entries: { value: V; count: number }[] = [];
  for (let i = 0; i < size; i++) {
    const c = countOf(i);
    if (c >= threshold) entries.push({ value: valueOf(i), count: c });
  }
  entries.sort((a, b) => b.count - a.count || compare(a.value, b.value));
  const kept = topK === null ? entries : entries.slice(0, topK);
  const keptOccurrences = kept.reduce((sum, e) => sum + e.count, 0);
  return {
    values: kept.map((e) => e.value),
    counts: kept.map((e) => e.count),
    distinct, occurrences, droppedByMinFrequency,
    droppedByTopK: { values: candidates - kept.length, occurrences: candidateOccurrences - keptOccurrences },
  };
}
