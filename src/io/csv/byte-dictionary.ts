import { isUtf8 } from 'node:buffer';
import { makeData, makeVector, Utf8, type Vector } from 'apache-arrow';
import { grow } from '../../kernels/grow.ts';

const RECENT_SLOTS = 1024;

/**
 * An append-only dictionary of UTF-8 byte strings with ids in order of first appearance, looked up straight
 * from the read buffer (hash and compare bytes; no JS string per field). Ids never change, so one
 * dictionary serves every batch of a stream, and each batch's Arrow dictionary is a prefix of the next.
 */
export class ByteDictionary {
  size = 0;
  private bytes: Uint8Array = new Uint8Array(1 << 12);
  private offsets: Int32Array = new Int32Array(1 << 8);
  private hashes: Int32Array = new Int32Array(1 << 8);
  /** Open addressing, id + 1 per slot (0 = empty), kept at most half full. */
  private table = new Int32Array(1 << 9);
  private vector: Vector<Utf8> | null = null;
  /**
   * The id last found per (length, first byte, last byte): in a low-cardinality column most fields hit it,
   * and one byte comparison replaces hashing and then comparing.
   */
  private readonly recent = new Int32Array(RECENT_SLOTS).fill(-1);

  /** The id of `buf[s, e)`, adding it when new; -1 when new and not valid UTF-8. */
  idOf(buf: Uint8Array, s: number, e: number): number {
    const key = e === s ? 0 : ((e - s) * 31 + buf[s] * 7 + buf[e - 1]) & (RECENT_SLOTS - 1);
    const recent = this.recent[key];
    if (recent >= 0 && this.equals(recent, buf, s, e)) return recent;
    const id = this.lookup(buf, s, e);
    this.recent[key] = id;
    return id;
  }

  /** The bytes of entry `id` (a view, valid until the next entry is added). */
  entry(id: number): Uint8Array {
    return this.bytes.subarray(this.offsets[id], this.offsets[id + 1]);
  }

  private lookup(buf: Uint8Array, s: number, e: number): number {
    let h = 0x811c9dc5;
    for (let p = s; p < e; p++) h = Math.imul(h ^ buf[p], 0x01000193);
    const table = this.table, mask = table.length - 1, hashes = this.hashes;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = table[slot];
      if (entry === 0) return this.add(buf, s, e, h, slot);
      const id = entry - 1;
      if (hashes[id] === h && this.equals(id, buf, s, e)) return id;
    }
  }

  private equals(id: number, buf: Uint8Array, s: number, e: number): boolean {
    const start = this.offsets[id], len = this.offsets[id + 1] - start, bytes = this.bytes;
    if (len !== e - s) return false;
    for (let i = 0; i < len; i++) if (bytes[start + i] !== buf[s + i]) return false;
    return true;
  }

  private add(buf: Uint8Array, s: number, e: number, h: number, slot: number): number {
    if (!isUtf8(buf.subarray(s, e))) return -1;
    const id = this.size++;
    if (this.size + 1 > this.offsets.length) {
      this.offsets = grow(this.offsets, this.size + 1);
      this.hashes = grow(this.hashes, this.size + 1);
    }
    const start = this.offsets[id];
    if (start + (e - s) > this.bytes.length) this.bytes = grow(this.bytes, start + (e - s));
    this.bytes.set(buf.subarray(s, e), start);
    this.offsets[id + 1] = start + (e - s);
    this.hashes[id] = h;
    this.table[slot] = id + 1;
    if (this.size * 2 > this.table.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2), mask = table.length - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = this.hashes[id] & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = id + 1;
    }
    this.table = table;
  }

  /**
   * The entries so far as an Arrow Utf8 vector. The same object is returned while no entry is added,
   * so consumers can cache per-dictionary work by identity.
   */
  toVector(): Vector<Utf8> {
    if (this.vector === null || this.vector.length !== this.size) {
      const end = this.offsets[this.size];
      this.vector = makeVector(makeData({ type: new Utf8(), length: this.size, nullCount: 0,
        valueOffsets: this.offsets.slice(0, this.size + 1), data: this.bytes.slice(0, end) }));
    }
    return this.vector;
  }
}
