import type { FeatureBatch } from '../../tensor/feature-batch.ts';
import { WriteError } from './errors.ts';
import type { FeatureWriterMeta } from './types.ts';

/** A ragged output's rows, trimmed to exactly this batch: `offsets` starts at 0 and ends at `ids.length`. */
export interface RaggedView {
  ids: Int32Array;
  offsets: Int32Array;
  weights: Float32Array | null;
}

/** A batch checked against the meta and trimmed to exact lengths (views, no copies unless offsets start above 0). */
export interface BatchView {
  rows: number;
  /** rows × denseWidth floats, row-major. */
  dense: Float32Array;
  /** In `meta.sparse` order. */
  sparse: RaggedView[];
  labels: Float32Array | Int32Array | null;
}

/** Checks a batch against the meta (and the weights seen so far) and trims it; throws a WriteError naming what differs. */
export function viewBatch(path: string, meta: FeatureWriterMeta, weighted: readonly boolean[],
    batch: FeatureBatch, labels: Float32Array | Int32Array | undefined): BatchView {
  const fail = (reason: string): never => { throw new WriteError(path, reason); };
  const rows = batch.numRows;
  if (!Number.isInteger(rows) || rows < 0) fail(`batch numRows must be a count, got ${rows}`);
  const width = meta.denseWidth;
  if (batch.dense.shape[1] !== width) fail(`batch dense width is ${batch.dense.shape[1]}, the file's is ${width}`);
  if (batch.dense.values.length < rows * width) {
    fail(`batch dense values hold ${batch.dense.values.length} floats, ${rows} rows × ${width} need ${rows * width}`);
  }
  const names = Object.keys(batch.sparse);
  const extra = names.filter((n) => !meta.sparse.some((s) => s.name === n));
  if (extra.length > 0) fail(`batch has ragged outputs the file does not list: ${extra.join(', ')}`);
  const sparse = meta.sparse.map((s, i) => {
    const tensor = batch.sparse[s.name];
    if (tensor === undefined) fail(`batch lacks the ragged output "${s.name}"`);
    if ((tensor.weights !== undefined) !== weighted[i]) {
      fail(`ragged output "${s.name}" ${weighted[i] ? 'lacks' : 'has'} weights, unlike ${s.weighted === undefined ? 'the first batch' : 'the meta'}`);
    }
    return viewRagged(s.name, rows, tensor.ids, tensor.offsets, tensor.weights ?? null, fail);
  });
  return { rows, dense: batch.dense.values.subarray(0, rows * width), sparse, labels: viewLabels(meta, rows, labels, fail) };
}

function viewRagged(name: string, rows: number, ids: Int32Array, offsets: Int32Array, weights: Float32Array | null,
    fail: (reason: string) => never): RaggedView {
  if (offsets.length < rows + 1) fail(`ragged output "${name}" has ${offsets.length} offsets, ${rows} rows need ${rows + 1}`);
  const begin = offsets[0];
  const end = offsets[rows];
  if (begin < 0 || end > ids.length) fail(`ragged output "${name}" offsets run [${begin}, ${end}) outside its ${ids.length} ids`);
  if (weights && weights.length < end) fail(`ragged output "${name}" has ${weights.length} weights for ${end} ids`);
  for (let r = 0; r < rows; r++) {
    if (offsets[r + 1] < offsets[r]) fail(`ragged output "${name}" offsets decrease at row ${r}`);
  }
  const trimmed = offsets.subarray(0, rows + 1);
  return {
    ids: ids.subarray(begin, end),
    offsets: begin === 0 ? trimmed : trimmed.map((o) => o - begin),
    weights: weights ? weights.subarray(begin, end) : null,
  };
}

function viewLabels(meta: FeatureWriterMeta, rows: number, labels: Float32Array | Int32Array | undefined,
    fail: (reason: string) => never): Float32Array | Int32Array | null {
  const label = meta.label ?? null;
  if (label === null) {
    if (labels !== undefined) fail('labels given, but the writer was opened without a label (meta.label)');
    return null;
  }
  if (labels === undefined) fail(`the file has a label ("${label.key}"), but the batch came without labels`);
  const want = label.kind === 'classes' ? Int32Array : Float32Array;
  if (!(labels instanceof want)) fail(`"${label.kind}" labels must be a ${want.name}, got ${labels!.constructor.name}`);
  if (labels!.length < rows) fail(`${labels!.length} labels for ${rows} rows`);
  return labels!.subarray(0, rows);
}
