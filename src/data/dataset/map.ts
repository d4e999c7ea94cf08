/** `map(columns | graph)` on this thread: each Arrow record batch through the compiled graph, plus its labels. */
import { DataType, type RecordBatch, type Schema } from 'apache-arrow';
import type { FeatureColumn } from '../../spec/types.ts';
import { compile, FeatureGraph } from '../../tensor/feature-graph.ts';
import { type BadLabel, type LabelOptions, LabelReader, labelKind } from '../labels.ts';
import type { MapOptions } from './nodes.ts';
import type { DatasetExample } from './types.ts';

export async function* transformBatches(input: AsyncIterable<RecordBatch>, spec: FeatureGraph | readonly FeatureColumn[],
    options: MapOptions, label: LabelOptions | null): AsyncGenerator<DatasetExample> {
  let graph: FeatureGraph | null = spec instanceof FeatureGraph ? spec : null;
  let reader: LabelReader | null = null;
  const sparse = options.sparse ?? 'default';
  let rowBase = 0;
  for await (const batch of input) {
    if (graph === null) graph = compile(spec as readonly FeatureColumn[], batch.schema, { hash: options.hash });
    if (label !== null && reader === null) reader = new LabelReader(label, labelColumn(label, batch.schema));
    const features = graph.transform(batch, { sparse });
    let labels: Float32Array | Int32Array | null = null;
    if (reader !== null) {
      const bad: BadLabel[] = [];
      labels = reader.read([batch], batch.numRows, bad);
      if (bad.length > 0) {
        throw new Error(`Dataset.map: row ${rowBase + bad[0].row} has a bad label "${label!.key}": ${bad[0].reason}` +
          (bad[0].value === null ? '' : ` (value ${JSON.stringify(bad[0].value)})`));
      }
    }
    rowBase += batch.numRows;
    yield { features, labels };
  }
}

/** The label's column index; a string column needs positive or vocabulary. */
function labelColumn(label: LabelOptions, schema: Schema): number {
  const kind = labelKind(label);
  const j = schema.fields.findIndex((f) => f.name === label.key);
  if (j < 0) throw new TypeError(`label column "${label.key}" is not in the data (columns: ${schema.fields.map((f) => f.name).join(', ')})`);
  const type = schema.fields[j].type;
  const strings = DataType.isUtf8(type) || (DataType.isDictionary(type) && DataType.isUtf8(type.dictionary));
  if (kind === 'regression' && strings) {
    throw new TypeError(`label column "${label.key}" holds strings: give positive (binary labels) or vocabulary (class labels)`);
  }
  return j;
}
