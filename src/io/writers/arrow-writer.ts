import {
  AsyncByteQueue, Field, FixedSizeList, Float32, Int32, List, makeData, RecordBatch, RecordBatchFileWriter, Schema, Struct,
  type Data, type DataType,
} from 'apache-arrow';
import { SingleFileWriter } from './base-writer.ts';
import type { BatchView } from './batch-view.ts';
import { metadataEntries } from './metadata.ts';
import { asBytes, writeChunks } from './write-chunks.ts';

/**
 * Arrow IPC file format, one record batch per `write`: `dense` FixedSizeList<Float32>[width], a List<Int32>
 * per ragged output (named as the output) plus `<name>.weights` List<Float32> when weighted, and `label`
 * (Float32, or Int32 class ids). No nulls. The schema metadata holds the layout, ragged outputs, spec and label
 * (see metadata.ts). Batches are handed to apache-arrow as Data over the caller's typed arrays (no copy) and
 * the encoded bytes go straight to the file before `write` resolves, so memory stays at one batch.
 */
export class ArrowFeatureWriter extends SingleFileWriter {
  protected readonly fileName = 'out.arrow';
  private readonly sink = new ChunkSink();
  private readonly ipc = new RecordBatchFileWriter();
  private schema: Schema | null = null;
  private struct: Struct | null = null;

  protected async begin(weighted: readonly boolean[]): Promise<void> {
    const width = this.meta.denseWidth;
    const fields: Field[] = [new Field('dense', new FixedSizeList(width, new Field('item', new Float32(), false)), false)];
    this.meta.sparse.forEach((s, i) => {
      fields.push(new Field(s.name, new List(new Field('item', new Int32(), false)), false));
      if (weighted[i]) fields.push(new Field(`${s.name}.weights`, new List(new Field('item', new Float32(), false)), false));
    });
    const label = this.meta.label ?? null;
    if (label !== null) fields.push(new Field('label', label.kind === 'classes' ? new Int32() : new Float32(), false));
    this.schema = new Schema(fields, new Map(Object.entries(metadataEntries(this.meta, weighted))));
    this.struct = new Struct(fields);
    await this.openFile();
    this.ipc.reset(this.sink, this.schema);
    await this.flush();
  }

  protected async writeRows(view: BatchView): Promise<void> {
    const fields = this.struct!.children;
    const children: Data[] = [fixedSizeList(fields[0].type as FixedSizeList, view.rows, view.dense)];
    let f = 1;
    for (const ragged of view.sparse) {
      children.push(list(fields[f++].type as List, view.rows, ragged.offsets, ragged.ids));
      if (ragged.weights) children.push(list(fields[f++].type as List, view.rows, ragged.offsets, ragged.weights));
    }
    if (view.labels) children.push(flat(fields[f].type, view.labels));
    const data = makeData({ type: this.struct!, length: view.rows, nullCount: 0, children });
    this.ipc.write(new RecordBatch(this.schema!, data));
    await this.flush();
  }

  protected override async finish(): Promise<string> {
    this.ipc.close();  // writes the footer
    await this.flush();
    return super.finish();
  }

  private async flush(): Promise<void> {
    await writeChunks(this.handle!, this.sink.take());
  }
}

/** Collects the IPC writer's output synchronously, so that each batch is on disk before `write` resolves. */
class ChunkSink extends AsyncByteQueue {
  private chunks: Uint8Array[] = [];

  override write(value: Parameters<AsyncByteQueue['write']>[0]): void {
    const bytes = ArrayBuffer.isView(value) ? asBytes(value) : new Uint8Array(value as ArrayBufferLike);
    if (bytes.byteLength > 0) this.chunks.push(bytes);
  }

  take(): Uint8Array[] {
    const chunks = this.chunks;
    this.chunks = [];
    return chunks;
  }
}

function flat(type: DataType, values: Float32Array | Int32Array): Data {
  return makeData({ type: type as Float32, length: values.length, nullCount: 0, data: values as Float32Array });
}

function fixedSizeList(type: FixedSizeList, rows: number, values: Float32Array): Data {
  const child = flat(type.children[0].type, values);
  return makeData({ type, length: rows, nullCount: 0, child });
}

function list(type: List, rows: number, offsets: Int32Array, values: Float32Array | Int32Array): Data {
  const child = flat(type.children[0].type, values);
  return makeData({ type, length: rows, nullCount: 0, valueOffsets: offsets, child });
}
