/**
 * Remembers a small int per tuple of numbers (e.g. a cross bucket per combination of leaf values),
 * so a combination seen before costs a probe instead of k hash calls. Bounded: full means cleared.
 */
export class TupleMemo {
  private keys: Float64Array;
  private values: Int32Array;
  private used = 0;

  constructor(readonly arity: number, private capacity = 1 << 12, readonly maxEntries = 1 << 20) {
    this.keys = new Float64Array(capacity * arity);
    this.values = new Int32Array(capacity).fill(-1);
  }

  clear(): void {
    this.values.fill(-1);
    this.used = 0;
  }

  /** The value stored for tuple[0..arity), or -1. */
  get(tuple: Float64Array): number {
    const slot = this.find(tuple);
    return this.values[slot];
  }

  set(tuple: Float64Array, value: number): void {
    if (this.used >= this.maxEntries) this.clear();
    if ((this.used + 1) * 2 > this.capacity) this.grow();
    const slot = this.find(tuple);
    if (this.values[slot] < 0) this.used++;
    this.keys.set(tuple.subarray(0, this.arity), slot * this.arity);
    this.values[slot] = value;
  }

  private find(tuple: Float64Array): number {
    const arity = this.arity;
    const mask = this.capacity - 1;
    let slot = hashTuple(tuple, arity) & mask;
    for (;;) {
      if (this.values[slot] < 0) return slot;
      let same = true;
      for (let j = 0; j < arity; j++) if (this.keys[slot * arity + j] !== tuple[j]) { same = false; break; }
      if (same) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const { keys, values, arity } = this;
    this.capacity *= 2;
    this.keys = new Float64Array(this.capacity * arity);
    this.values = new Int32Array(this.capacity).fill(-1);
    this.used = 0;
    const tuple = new Float64Array(arity);
    for (let s = 0; s < values.length; s++) {
      if (values[s] < 0) continue;
      for (let j = 0; j < arity; j++) tuple[j] = keys[s * arity + j];
      this.set(tuple, values[s]);
    }
  }
}

function hashTuple(tuple: Float64Array, arity: number): number {
  let h = 0x9e3779b9 | 0;
  for (let j = 0; j < arity; j++) {
    const v = tuple[j];
    h = Math.imul(h ^ (v | 0), 0x85ebca6b);
    h = Math.imul(h ^ ((v / 4294967296) | 0), 0xc2b2ae35);
    h ^= h >>> 15;
  }
  return h >>> 0;
}
