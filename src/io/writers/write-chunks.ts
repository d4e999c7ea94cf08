import type { FileHandle } from 'node:fs/promises';

/** Buffers per writev call: well under IOV_MAX (1024 on Linux). */
const MAX_BUFFERS = 256;

/** Appends all chunks at the handle's position, in order, with as few system calls as it can. */
export async function writeChunks(handle: FileHandle, chunks: readonly ArrayBufferView[]): Promise<number> {
  let total = 0;
  for (let i = 0; i < chunks.length; i += MAX_BUFFERS) {
    const group = chunks.slice(i, i + MAX_BUFFERS).map(asBytes).filter((b) => b.byteLength > 0);
    const want = group.reduce((n, b) => n + b.byteLength, 0);
    const { bytesWritten } = await handle.writev(group);
    if (bytesWritten < want) await writeRest(handle, group, bytesWritten);
    total += want;
  }
  return total;
}

/** After a short writev: writes what is left, one buffer at a time. */
async function writeRest(handle: FileHandle, group: Uint8Array[], done: number): Promise<void> {
  for (const bytes of group) {
    if (done >= bytes.byteLength) { done -= bytes.byteLength; continue; }
    let at = done;
    done = 0;
    while (at < bytes.byteLength) at += (await handle.write(bytes, at)).bytesWritten;
  }
}

export function asBytes(view: ArrayBufferView): Uint8Array {
  return view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
