import { grow } from './grow.ts';

/**
 * Gives each distinct byte string a small, stable code, across batches, without decoding UTF-8.
 * Everything expensive (vocabulary lookup, hashing, crossing) then runs once per code, not once per row.
 * Open addressing over a power-of-two table; the bytes live in one growable arena.
 */
export class BytesInterner {
  /** Bytes of code c are arena[starts[c] .. starts[c+1]). */
  arena = new Uint8Array(1 << 16);
  starts = new Int32Array(1024).fill(0);
  size = 0;
  private slots = new Int32Array(1 << 12).fill(-1);
  private hashes = new Int32Array(1024);
  private arenaEnd = 0;
  private arenaView = new DataView(this.arena.buffer);
  private source: Uint8Array | null = null;
  private sourceView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  /** Bumped by clear(): caches indexed by code compare it to know when to drop their entries. */
  generation = 0;

  /** Forgets every code (between batches, to bound memory on high-cardinality columns). */
  clear(): void {
    this.slots.fill(-1);
    this.size = 0;
    this.arenaEnd = 0;
    this.generation++;
  }

  /** Code of bytes[start, end), adding it if new. */
  intern(bytes: Uint8Array, start: number, end: number): number {
    if (bytes !== this.source) this.setSource(bytes);
    const view = this.sourceView;
    const h = hashWords(view, start, end);
    const slots = this.slots;
    const mask = slots.length - 1;
    const hashes = this.hashes;
    const starts = this.starts;
    const arenaView = this.arenaView;
    const len = end - start;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const code = slots[slot];
      if (code < 0) return this.add(bytes, start, end, h, slot);
      if (hashes[code] !== h) continue;
      const at = starts[code];
      if (starts[code + 1] - at !== len) continue;
      let i = 0;
      for (; i + 4 <= len; i += 4) if (arenaView.getInt32(at + i, true) !== view.getInt32(start + i, true)) break;
      while (i < len && arenaView.getUint8(at + i) === view.getUint8(start + i)) i++;
      if (i === len) return code;
    }
  }

  /** Words are read through DataViews: unaligned 4-byte loads, far cheaper than byte by byte. */
  private setSource(bytes: Uint8Array): void {
    this.source = bytes;
    this.sourceView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The bytes of a code, as a view into the arena (valid until the next intern). */
  bytesOf(code: number): Uint8Array {
    return this.arena.subarray(this.starts[code], this.starts[code + 1]);
  }

  private add(bytes: Uint8Array, start: number, end: number, h: number, slot: number): number {
    const code = this.size++;
    const len = end - start;
    if (this.arenaEnd + len > this.arena.length) {
      this.arena = grow(this.arena, this.arenaEnd + len);
      this.arenaView = new DataView(this.arena.buffer);
    }
    this.arena.set(bytes.subarray(start, end), this.arenaEnd);
    if (code + 2 > this.starts.length) {
      this.starts = grow(this.starts, code + 2);
      this.hashes = grow(this.hashes, code + 1);
    }
    this.starts[code] = this.arenaEnd;
    this.arenaEnd += len;
    this.starts[code + 1] = this.arenaEnd;
    this.hashes[code] = h;
    this.slots[slot] = code;
    if (this.size * 2 > this.slots.length) this.rehash();
    return code;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let code = 0; code < this.size; code++) {
      let slot = this.hashes[code] & mask;
      while (slots[slot] >= 0) slot = (slot + 1) & mask;
      slots[slot] = code;
    }
    this.slots = slots;
  }
}

/** Murmur3-style over 4-byte words: cheap, and good enough for a table that compares bytes anyway. */
export function hashWords(view: DataView, start: number, end: number): number {
  let h = end - start;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    let k = view.getInt32(i, true);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let shift = 0; i < end; i++, shift += 8) k |= view.getUint8(i) << shift;
  h ^= Math.imul(k, 0xcc9e2d51);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h;
}
