import { SingleFileWriter } from './base-writer.ts';
import type { BatchView } from './batch-view.ts';
import { ByteBuilder } from './byte-builder.ts';
import { Float32Encoder } from './json-float.ts';
import { FILE_FORMAT_VERSION, sparseRecord } from './metadata.ts';
import { writeChunks } from './write-chunks.ts';

/** Bytes of rows gathered before they go to the file. */
const FLUSH_BYTES = 4 << 20;

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const DENSE_OPEN = utf8('{"dense":[');
const LABEL_KEY = utf8(',"label":');
const ROW_END = utf8('}\n');
const COMMA = 0x2c;
const CLOSE_BRACKET = 0x5d;

/**
 * JSON lines, for small outputs and for reading by eye or with jq. The first line is the file's metadata,
 * `{"__meta__": {"format": "feature-columns", "version", "dense_width", "layout", "sparse", "label", "spec",
 * "extra"}}` (structured values as JSON, not strings); every later line is one row,
 * `{"dense": [floats], "<ragged output>": [ids], "<ragged output>.weights": [floats], "label": number}`,
 * ragged outputs in meta order, `label` only when the file has one. Floats are the shortest decimal that reads
 * back to the same float32; NaN and infinities are the strings "NaN", "Infinity", "-Infinity".
 * Rows only: `jq -c 'select(has("__meta__") | not)' out.jsonl`, or `tail -n +2 out.jsonl`.
 */
export class JsonlFeatureWriter extends SingleFileWriter {
  protected readonly fileName = 'out.jsonl';
  /** `,"<name>":[` and `,"<name>.weights":[` per ragged output. */
  private keys: Uint8Array[] = [];
  private weightKeys: Uint8Array[] = [];
  private readonly out = new ByteBuilder();
  private readonly floats = new Float32Encoder();

  protected async begin(weighted: readonly boolean[]): Promise<void> {
    const meta = {
      format: 'feature-columns', version: Number(FILE_FORMAT_VERSION), dense_width: this.meta.denseWidth,
      layout: this.meta.layout, sparse: sparseRecord(this.meta, weighted), label: this.meta.label ?? null,
      spec: this.meta.spec ?? null, extra: this.meta.extra ?? {},
    };
    this.keys = this.meta.sparse.map((s) => utf8(`,${JSON.stringify(s.name)}:[`));
    this.weightKeys = this.meta.sparse.map((s) => utf8(`,${JSON.stringify(`${s.name}.weights`)}:[`));
    await writeChunks(await this.openFile(), [utf8(`${JSON.stringify({ __meta__: meta })}\n`)]);
  }

  protected async writeRows(view: BatchView): Promise<void> {
    const width = this.meta.denseWidth;
    const { dense, sparse, labels } = view;
    const { out, floats, keys, weightKeys } = this;
    for (let r = 0; r < view.rows; r++) {
      out.bytes(DENSE_OPEN);
      for (let j = r * width, end = j + width; j < end; j++) {
        if (j > r * width) out.byte(COMMA);
        floats.write(out, dense[j]);
      }
      out.byte(CLOSE_BRACKET);
      for (let i = 0; i < sparse.length; i++) {
        const { ids, offsets, weights } = sparse[i];
        const begin = offsets[r];
        const end = offsets[r + 1];
        out.bytes(keys[i]);
        for (let k = begin; k < end; k++) {
          if (k > begin) out.byte(COMMA);
          out.int(ids[k]);
        }
        out.byte(CLOSE_BRACKET);
        if (weights) {
          out.bytes(weightKeys[i]);
          for (let k = begin; k < end; k++) {
            if (k > begin) out.byte(COMMA);
            floats.write(out, weights[k]);
          }
          out.byte(CLOSE_BRACKET);
        }
      }
      if (labels) {
        out.bytes(LABEL_KEY);
        if (labels instanceof Int32Array) out.int(labels[r]);
        else floats.write(out, labels[r]);
      }
      out.bytes(ROW_END);
      if (out.size >= FLUSH_BYTES) await writeChunks(this.handle!, [out.take()]);
    }
    if (out.size > 0) await writeChunks(this.handle!, [out.take()]);
  }
}
