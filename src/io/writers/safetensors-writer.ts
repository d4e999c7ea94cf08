import { open, type FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import { BaseFeatureWriter } from './base-writer.ts';
import type { BatchView } from './batch-view.ts';
import { WriteError } from './errors.ts';
import { metadataEntries } from './metadata.ts';
import { DEFAULT_MEMORY_LIMIT, SpoolSet } from './tensor-spool.ts';
import type { TempOutput } from './temp-output.ts';
import type { FeatureWriterMeta } from './types.ts';
import { writeChunks } from './write-chunks.ts';

const FILE = 'out.safetensors';
/** The safetensors readers refuse larger headers. */
const MAX_HEADER_BYTES = 100_000_000;
const MAX_INT32 = 2 ** 31 - 1;

type Dtype = 'F32' | 'I32';

interface TensorPlan {
  name: string;
  dtype: Dtype;
  /** The shape once `rows` rows and `count` elements are in. */
  shape: (rows: number, elements: number) => number[];
}

export interface SafetensorsOptions {
  /** Tensor bytes kept in memory before spilling to temporary files (default 64 MiB). */
  memoryLimit?: number;
}

/**
 * safetensors (https://github.com/huggingface/safetensors): u64 little-endian header length N, N bytes of JSON
 * header padded with spaces to a multiple of 8, then the tensors' raw little-endian bytes back to back.
 * Tensors: `dense` F32 [rows, width]; per ragged output `<name>.ids` I32 [nnz], `<name>.offsets` I32 [rows+1]
 * (CSR over the whole file: batches are rebased as they arrive) and `<name>.weights` F32 [nnz] when weighted;
 * `label` F32 (binary, regression) or I32 (class ids) [rows]. `__metadata__` holds the same string entries as
 * the Arrow schema metadata. Sizes are known only at the end, so each tensor is spooled (see SpoolSet) in the
 * temp directory and the file is assembled there at close, then renamed into place.
 */
export class SafetensorsFeatureWriter extends BaseFeatureWriter {
  private plans: TensorPlan[] = [];
  private spools: SpoolSet;
  private bases: number[] = [];
  private weightedFlags: readonly boolean[] = [];
  private out: FileHandle | null = null;
  private readonly memoryLimit: number;

  constructor(path: string, meta: FeatureWriterMeta, temp: TempOutput, options: SafetensorsOptions = {}) {
    super(path, meta, temp);
    // Typed arrays are in the machine's byte order; the format is little-endian.
    if (endianness() !== 'LE') throw new WriteError(path, 'safetensors output needs a little-endian machine');
    this.memoryLimit = options.memoryLimit ?? DEFAULT_MEMORY_LIMIT;
    this.spools = new SpoolSet(0, () => '', this.memoryLimit);
  }

  protected async begin(weighted: readonly boolean[]): Promise<void> {
    this.weightedFlags = weighted;
    const width = this.meta.denseWidth;
    const plans: TensorPlan[] = [{ name: 'dense', dtype: 'F32', shape: (rows) => [rows, width] }];
    this.meta.sparse.forEach((s, i) => {
      plans.push({ name: `${s.name}.ids`, dtype: 'I32', shape: (_, n) => [n] });
      plans.push({ name: `${s.name}.offsets`, dtype: 'I32', shape: (rows) => [rows + 1] });
      if (weighted[i]) plans.push({ name: `${s.name}.weights`, dtype: 'F32', shape: (_, n) => [n] });
    });
    const label = this.meta.label ?? null;
    if (label !== null) plans.push({ name: 'label', dtype: label.kind === 'classes' ? 'I32' : 'F32', shape: (rows) => [rows] });
    this.plans = plans;
    this.spools = new SpoolSet(plans.length, (i) => this.temp.file(`${i}.bin`), this.memoryLimit);
    this.bases = this.meta.sparse.map(() => 0);
    // Every offsets tensor starts with the 0 before the first row.
    await this.spools.append(plans.map((p) => (p.name.endsWith('.offsets') ? Int32Array.of(0) : null)));
  }

  protected async writeRows(view: BatchView): Promise<void> {
    const parts: (ArrayBufferView | null)[] = [view.dense];
    view.sparse.forEach((ragged, i) => {
      const base = this.bases[i];
      const count = ragged.ids.length;
      if (base + count > MAX_INT32) {
        throw new WriteError(this.path, `ragged output "${this.meta.sparse[i].name}" passes 2^31-1 ids, more than int32 offsets `
          + 'can address: write fewer rows per file');
      }
      const offsets = new Int32Array(view.rows);
      for (let r = 0; r < view.rows; r++) offsets[r] = base + ragged.offsets[r + 1];
      parts.push(ragged.ids, offsets);
      if (this.weightedFlags[i]) parts.push(ragged.weights);
      this.bases[i] = base + count;
    });
    if (view.labels) parts.push(view.labels);
    await this.spools.append(parts);
  }

  protected async finish(): Promise<string> {
    const header: Record<string, unknown> = {};
    let at = 0;
    this.plans.forEach((plan, i) => {
      const bytes = this.spools.size(i);
      header[plan.name] = { dtype: plan.dtype, shape: plan.shape(this.rows, bytes / 4), data_offsets: [at, at + bytes] };
      at += bytes;
    });
    header.__metadata__ = metadataEntries(this.meta, this.weightedFlags);
    const json = new TextEncoder().encode(JSON.stringify(header));
    if (json.length > MAX_HEADER_BYTES) {
      throw new WriteError(this.path, `the safetensors header would take ${json.length} bytes, over the format's 100 MB limit (a very large spec?)`);
    }
    const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
    padded.set(json);
    const length = new Uint8Array(8);
    new DataView(length.buffer).setBigUint64(0, BigInt(padded.length), true);
    this.out = await open(this.temp.file(FILE), 'w');
    await writeChunks(this.out, [length, padded]);
    await this.spools.copyTo(this.out);
    await this.out.close();
    this.out = null;
    await this.spools.release();
    return FILE;
  }

  protected async release(): Promise<void> {
    await this.out?.close().catch(() => undefined);
    this.out = null;
    await this.spools.release();
  }
}
