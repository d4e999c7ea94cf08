import { open, type FileHandle } from 'node:fs/promises';
import { RecordBatchReader, type RecordBatch, type Schema } from 'apache-arrow';
import { asReadError, ReadError } from './errors.ts';
import { ARROW_MAGIC, endsWith, readFileEnds, startsWith, STREAM_CONTINUATION } from './format.ts';
import { checkBatchSize, newStats, type ReadStats, type RecordBatchSource, sliceBatch } from './source.ts';

export interface ArrowOptions {
  /** Larger IPC batches are sliced (zero-copy) to this many rows (default 65,536). */
  batchSize?: number;
}

/**
 * Streams an Arrow IPC file or stream (told apart by apache-arrow from the magic bytes), reading batch by
 * batch from a file handle; a truncated or corrupt file is a ReadError naming the file.
 * @example
 * for await (const batch of readArrow('census.arrow')) use(batch);
 */
export function readArrow(path: string, options: ArrowOptions = {}): ArrowReader {
  return new ArrowReader(path, options);
}

type IpcReader = Awaited<ReturnType<typeof openIpc>>;

async function openIpc(handle: FileHandle) {
  const reader = await RecordBatchReader.from(handle);
  return reader.open();
}

export class ArrowReader implements RecordBatchSource {
  readonly stats: ReadStats = newStats();
  private readonly batchSize: number;
  private opened: Promise<{ handle: FileHandle; reader: IpcReader }> | null = null;
  private iterated = false;

  constructor(readonly path: string, options: ArrowOptions) {
    this.batchSize = checkBatchSize(options.batchSize);
  }

  private open() {
    this.opened ??= (async () => {
      await this.checkEnds();
      let handle: FileHandle | undefined;
      try {
        handle = await open(this.path, 'r');
        return { handle, reader: await openIpc(handle) };
      } catch (err) {
        await handle?.close();
        throw this.corrupt(err);
      }
    })();
    return this.opened;
  }

  async schema(): Promise<Schema> {
    const { reader } = await this.open();
    if (reader.schema === undefined) throw new ReadError({ file: this.path }, 'not an Arrow IPC file or stream');
    return reader.schema;
  }

  async close(): Promise<void> {
    if (this.iterated) return; // reading closes the file itself
    this.iterated = true;
    const opened = await this.opened?.catch(() => null);
    await opened?.handle.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordBatch> {
    if (this.iterated) throw new Error(`${this.path}: a reader can be iterated only once, and not after close()`);
    this.iterated = true;
    const { handle, reader } = await this.open();
    try {
      const batches = reader[Symbol.asyncIterator]();
      for (;;) {
        let next: IteratorResult<RecordBatch>;
        try {
          next = await batches.next();
        } catch (err) {
          throw this.corrupt(err);
        }
        if (next.done) break;
        for (const slice of sliceBatch(next.value, this.batchSize)) {
          this.stats.rowsIn += slice.numRows;
          this.stats.rowsOut += slice.numRows;
          yield slice;
        }
      }
    } finally {
      await handle.close();
    }
  }

  /** Tells a cut-short file and a file that is not Arrow at all apart before apache-arrow trips over them. */
  private async checkEnds(): Promise<void> {
    const { head, tail, size } = await readFileEnds(this.path);
    if (startsWith(head, ARROW_MAGIC)) {
      if (size < 2 * ARROW_MAGIC.length + 2 || !endsWith(tail, ARROW_MAGIC)) {
        throw new ReadError({ file: this.path }, 'truncated Arrow IPC file: it lacks the closing ARROW1 magic');
      }
    } else if (size < 4 || new DataView(head.buffer, head.byteOffset).getUint32(0, true) !== STREAM_CONTINUATION) {
      throw new ReadError({ file: this.path }, 'not an Arrow IPC file or stream (no ARROW1 magic or stream marker)');
    }
  }

  /** apache-arrow's own TypeErrors on corrupt input mean nothing to a user; its IPC messages do. */
  private corrupt(err: unknown): ReadError {
    const context = 'truncated or corrupt Arrow IPC data';
    return err instanceof TypeError ? new ReadError({ file: this.path }, context) : asReadError(this.path, err, context);
  }
}
