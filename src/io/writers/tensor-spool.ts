import { open, type FileHandle } from 'node:fs/promises';
import { asBytes, writeChunks } from './write-chunks.ts';

/** Tensor bytes held in memory before spilling to temporary files: 64 MiB. */
export const DEFAULT_MEMORY_LIMIT = 64 * 1024 * 1024;

/** Bytes copied per read when concatenating spilled tensors into the output. */
const COPY_CHUNK = 8 * 1024 * 1024;

/**
 * The bytes of several tensors that grow batch by batch, each kept apart until the output is assembled.
 * They stay in memory (as copies: callers may reuse their arrays) while the total is at most `memoryLimit`;
 * the first batch that would pass it spills every tensor to its own file (`dir/<index>.bin`) and all later
 * bytes go straight to those files. `copyTo` then appends each tensor, in order, to the output.
 */
export class SpoolSet {
  private readonly spools: Spool[];
  private inMemory = 0;
  private spilled = false;

  constructor(count: number, private readonly fileFor: (index: number) => string, private readonly memoryLimit: number) {
    this.spools = Array.from({ length: count }, () => ({ bytes: 0, chunks: [], handle: null }));
  }

  /** Bytes so far of tensor `index`. */
  size(index: number): number {
    return this.spools[index].bytes;
  }

  /** Appends one part per tensor (null: nothing for that tensor this time). */
  async append(parts: readonly (ArrayBufferView | null)[]): Promise<void> {
    const incoming = parts.reduce((n, p) => n + (p?.byteLength ?? 0), 0);
    if (!this.spilled && this.inMemory + incoming > this.memoryLimit) await this.spill();
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (part === null || part.byteLength === 0) continue;
      const spool = this.spools[i];
      if (this.spilled) await writeChunks(spool.handle!, [part]);
      else spool.chunks.push(asBytes(part).slice());
      spool.bytes += part.byteLength;
    }
    if (!this.spilled) this.inMemory += incoming;
  }

  /** Appends every tensor's bytes, in index order, to `out`. */
  async copyTo(out: FileHandle): Promise<void> {
    for (const spool of this.spools) {
      if (!this.spilled) {
        await writeChunks(out, spool.chunks);
        continue;
      }
      const buffer = new Uint8Array(Math.min(COPY_CHUNK, Math.max(spool.bytes, 1)));
      for (let at = 0; at < spool.bytes;) {
        const { bytesRead } = await spool.handle!.read(buffer, 0, Math.min(buffer.length, spool.bytes - at), at);
        if (bytesRead === 0) throw new Error(`temporary tensor file ended after ${at} of ${spool.bytes} bytes`);
        await writeChunks(out, [buffer.subarray(0, bytesRead)]);
        at += bytesRead;
      }
    }
  }

  /** Closes the spill files and drops the memory (the files themselves go with the temp directory). */
  async release(): Promise<void> {
    for (const spool of this.spools) {
      await spool.handle?.close().catch(() => undefined);
      spool.handle = null;
      spool.chunks = [];
    }
  }

  private async spill(): Promise<void> {
    this.spilled = true;
    for (let i = 0; i < this.spools.length; i++) {
      const spool = this.spools[i];
      spool.handle = await open(this.fileFor(i), 'w+');
      await writeChunks(spool.handle, spool.chunks);
      spool.chunks = [];
    }
    this.inMemory = 0;
  }
}

interface Spool {
  bytes: number;
  chunks: Uint8Array[];
  handle: FileHandle | null;
}
