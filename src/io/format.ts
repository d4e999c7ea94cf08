import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { asReadError } from './errors.ts';

export type SourceFormat = 'csv' | 'arrow' | 'parquet';

export const ARROW_MAGIC = 'ARROW1';
export const PARQUET_MAGIC = 'PAR1';
/** An Arrow IPC stream starts with a message whose length is preceded by this continuation marker. */
export const STREAM_CONTINUATION = 0xffffffff;

const BY_EXTENSION: Record<string, SourceFormat> = {
  '.arrow': 'arrow', '.arrows': 'arrow', '.ipc': 'arrow', '.feather': 'arrow',
  '.parquet': 'parquet', '.pq': 'parquet',
};

/** The first and last bytes of a file, enough to recognize Arrow and Parquet. */
export interface FileEnds {
  head: Uint8Array;
  tail: Uint8Array;
  size: number;
}

export async function readFileEnds(path: string, bytes = 8): Promise<FileEnds> {
  try {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const head = new Uint8Array(Math.min(bytes, size));
      const tail = new Uint8Array(Math.min(bytes, size));
      await handle.read(head, 0, head.length, 0);
      await handle.read(tail, 0, tail.length, size - tail.length);
      return { head, tail, size };
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw asReadError(path, err, 'cannot open');
  }
}

export function startsWith(bytes: Uint8Array, magic: string): boolean {
  return bytes.length >= magic.length && [...magic].every((ch, i) => bytes[i] === ch.charCodeAt(0));
}

export function endsWith(bytes: Uint8Array, magic: string): boolean {
  return startsWith(bytes.subarray(bytes.length - magic.length), magic);
}

/** Arrow IPC file or stream, Parquet, else CSV (plain or gzip'd): by magic bytes first, then by extension. */
export async function detectFormat(path: string): Promise<SourceFormat> {
  const { head } = await readFileEnds(path);
  if (startsWith(head, PARQUET_MAGIC)) return 'parquet';
  if (startsWith(head, ARROW_MAGIC)) return 'arrow';
  if (head.length >= 4 && new DataView(head.buffer, head.byteOffset).getUint32(0, true) === STREAM_CONTINUATION) {
    return 'arrow';
  }
  return BY_EXTENSION[extname(path).toLowerCase()] ?? 'csv';
}
