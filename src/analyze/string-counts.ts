import type { Data } from 'apache-arrow';
import { grow } from '../kernels/grow.ts';
import { BytesInterner } from '../kernels/interner.ts';
import { Ragged } from '../kernels/ragged.ts';
import { DictionaryCodes, readStrings } from '../kernels/read-categorical.ts';
import { isDenseInput, missingCells } from './arrow-cells.ts';

const EMPTY = new Uint8Array(0);

/**
 * How often each distinct string of a feature occurs, across batches, counted on interned UTF-8 bytes
 * (no per-row decoding; dictionary-encoded batches intern each dictionary entry once).
 * Past `distinctLimit` distinct values it stops counting (memory stays bounded) unless `exact` is set,
 * as it is for features a vocabulary is counted from.
 */
export class StringCounts {
  interner = new BytesInterner();
  /** counts[code]: occurrences of the string with that interned code. */
  counts = new Float64Array(1024);
  /** '' cells of dense (scalar or fixed-size) batches: TF's lookup drops them, so vocabularies skip them. */
  denseEmpty = 0;
  rows = 0;
  nulls = 0;
  values = 0;
  /** True once more than distinctLimit distinct values were seen and counting stopped. */
  capped = false;
  private readonly dictionaries = new DictionaryCodes();
  private readonly ragged = new Ragged(new Int32Array(0));

  constructor(private readonly distinctLimit: number, readonly exact: boolean) {
    this.interner.intern(EMPTY, 0, 0); // '' is code 0, so dense '' cells are counted without a per-row test
  }

  add(data: Data): void {
    this.rows += data.length;
    const missing = missingCells(data);
    this.nulls += missing.cells;
    if (this.capped) {
      this.values += missing.present;
      return;
    }
    readStrings(data, this.interner, this.dictionaries, this.ragged);
    const { values, numValues } = this.ragged;
    this.values += numValues;
    if (this.counts.length < this.interner.size) this.counts = grow(this.counts, this.interner.size);
    const counts = this.counts;
    const emptyBefore = counts[0];
    for (let i = 0; i < numValues; i++) counts[values[i]]++;
    if (isDenseInput(data)) this.denseEmpty += counts[0] - emptyBefore;
    if (!this.exact && this.interner.size > this.distinctLimit) this.stopCounting();
  }

  /** Distinct values seen (all of them, '' included): exact unless capped. */
  get distinct(): number {
    if (this.capped) return this.distinctLimit;
    let d = 0;
    for (let c = 0; c < this.interner.size; c++) if (this.counts[c] > 0) d++;
    return d;
  }

  private stopCounting(): void {
    this.capped = true;
    this.interner = new BytesInterner();
    this.counts = new Float64Array(0);
  }
}
