/**
 * A uniform sample of rows (the numeric slots of the dense block and each row's targets), kept over a
 * stream of batches, for fitting piecewise-linear bins (layers/numeric-bins.ts) without holding the data.
 * Up to `capacity` rows every row is kept, so a small dataset's bins are those of all its rows; past it,
 * reservoir sampling (Vitter's algorithm R) with a fixed seed keeps each row with equal chance, the same
 * rows on every run.
 */
import type { FeatureBatch } from '../../tensor/feature-batch.ts';
import { Random } from '../../kernels/random.ts';

/** What a row's targets are: its labels as they are, or a one-hot of a class id (sparse categorical labels). */
export interface TargetSpec {
  /** Label values per row. */
  labelWidth: number;
  /** Classes of a sparse categorical label (labelWidth 1), encoded one-hot; null keeps the labels as they are. */
  classes: number | null;
}

export interface NumericSampleResult {
  /** Rows kept. */
  count: number;
  /** Per numeric slot (in `slots` order), its values of the kept rows. */
  values: Float32Array[];
  /** The dense-block indices of the numeric slots. */
  slots: number[];
  /** Targets of the kept rows, [count, targetWidth]. */
  targets: Float32Array;
  targetWidth: number;
}

/** Seed of the reservoir's choices: fixed, so the same data gives the same sample and bins. */
const SAMPLE_SEED = 0x5a4d91e;

export class NumericSample {
  private readonly capacity: number;
  private readonly target: TargetSpec;
  private readonly targetWidth: number;
  private readonly random = new Random(SAMPLE_SEED);
  private slots: number[] | null = null;
  private values: Float32Array[] = [];
  private targets: Float32Array;
  private seen = 0;

  constructor(capacity: number, target: TargetSpec) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new Error(`NumericSample: capacity must be an integer ≥ 1, got ${capacity}`);
    this.capacity = capacity;
    this.target = target;
    this.targetWidth = target.classes ?? target.labelWidth;
    this.targets = new Float32Array(0);
  }

  /** Offers every row of `batch`; `labels` holds `labelWidth` values per row. */
  add(batch: FeatureBatch, labels: Float32Array): void {
    const rows = batch.numRows, width = batch.dense.shape[1], dense = batch.dense.values;
    if (rows === 0) return;
    if (labels.length !== rows * this.target.labelWidth) {
      throw new Error(`NumericSample: ${labels.length} labels for ${rows} rows of ${this.target.labelWidth} each`);
    }
    if (this.slots === null) {
      this.slots = numericSlots(batch);
      const initial = Math.min(this.capacity, 1024);
      this.values = this.slots.map(() => new Float32Array(initial));
      this.targets = new Float32Array(initial * this.targetWidth);
    }
    const slots = this.slots;
    for (let r = 0; r < rows; r++) {
      const i = this.seen++;
      const at = i < this.capacity ? i : Math.floor(this.random.uniform() * (i + 1));
      if (at >= this.capacity) continue;
      if (at * this.targetWidth >= this.targets.length) this.grow(at + 1);
      for (let s = 0; s < slots.length; s++) this.values[s][at] = dense[r * width + slots[s]];
      this.writeTargets(labels, r, at);
    }
  }

  result(): NumericSampleResult | null {
    if (this.seen === 0 || this.slots === null) return null;
    const count = Math.min(this.seen, this.capacity);
    return {
      count, slots: this.slots, values: this.values.map((v) => v.subarray(0, count)),
      targets: this.targets.subarray(0, count * this.targetWidth), targetWidth: this.targetWidth,
    };
  }

  private writeTargets(labels: Float32Array, row: number, at: number): void {
    const { labelWidth, classes } = this.target, out = this.targets, w = this.targetWidth;
    if (classes === null) {
      for (let d = 0; d < labelWidth; d++) out[at * w + d] = labels[row * labelWidth + d];
      return;
    }
    const label = labels[row];
    out.fill(0, at * w, at * w + w);
    if (Number.isInteger(label) && label >= 0 && label < classes) out[at * w + label] = 1;
  }

  /** Doubles the buffers (up to capacity) to hold at least `rows` rows. */
  private grow(rows: number): void {
    const size = Math.min(this.capacity, Math.max(rows, (2 * this.targets.length) / this.targetWidth));
    this.values = this.values.map((v) => {
      const next = new Float32Array(size);
      next.set(v);
      return next;
    });
    const targets = new Float32Array(size * this.targetWidth);
    targets.set(this.targets);
    this.targets = targets;
  }
}

/** The dense-block indices of the numeric columns' slots. */
export function numericSlots(batch: FeatureBatch): number[] {
  const slots: number[] = [];
  for (const entry of batch.dense.layout) {
    if (entry.kind === 'numeric') for (let j = entry.offset; j < entry.offset + entry.width; j++) slots.push(j);
  }
  return slots;
}
