import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { asReadError } from './errors.ts';

/** Sequential bytes of a file, gunzipped on the fly when it starts with the gzip magic. */
export interface ByteReader {
  /** Reads up to `length` bytes into `into` at `offset`; resolves 0 at the end of the input. */
  read(into: Uint8Array, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/** Opens `path` for sequential reading; errors (missing file, corrupt gzip) come out as ReadError. */
export async function openBytes(path: string): Promise<ByteReader> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const head = new Uint8Array(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    const gzip = bytesRead === 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
    return gzip ? gunzipReader(path, handle) : plainReader(path, handle);
  } catch (err) {
    await handle?.close();
    throw asReadError(path, err, 'cannot open');
  }
}

function plainReader(path: string, handle: FileHandle): ByteReader {
  let position = 0;
  return {
    async read(into, offset, length) {
      try {
        const { bytesRead } = await handle.read(into, offset, length, position);
        position += bytesRead;
        return bytesRead;
      } catch (err) {
        throw asReadError(path, err, 'read failed');
      }
    },
    close: () => handle.close(),
  };
}

function gunzipReader(path: string, handle: FileHandle): ByteReader {
  const chunks = handle.createReadStream({ start: 0, autoClose: false }).pipe(createGunzip())[Symbol.asyncIterator]();
  let chunk: Uint8Array = new Uint8Array(0);
  let chunkPos = 0;
  let done = false;
  return {
    async read(into, offset, length) {
      while (chunkPos === chunk.length && !done) {
        try {
          const next = await chunks.next();
          done = next.done === true;
          if (!done) [chunk, chunkPos] = [next.value as Uint8Array, 0];
        } catch (err) {
          throw asReadError(path, err, 'truncated or corrupt gzip');
        }
      }
      const n = Math.min(length, chunk.length - chunkPos);
      into.set(chunk.subarray(chunkPos, chunkPos + n), offset);
      chunkPos += n;
      return n;
    },
    async close() {
      await chunks.return?.();
      await handle.close();
    },
  };
}
