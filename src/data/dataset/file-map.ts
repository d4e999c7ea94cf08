/**
 * `map(columns)` over CSV files on worker threads, through transformFiles: the main thread only reads and
 * cuts the files; parsing and transforming run on the workers, results in input order.
 */
import { expandPaths } from '../../io/expand-paths.ts';
import { detectFormat } from '../../io/format.ts';
import type { SourceOptions } from '../../io/open-source.ts';
import type { FeatureColumn } from '../../spec/types.ts';
import { FeatureGraph } from '../../tensor/feature-graph.ts';
import type { LabelOptions } from '../labels.ts';
import { transformFiles } from '../parallel-transform.ts';
import type { TransformWorkers } from '../worker-pool.ts';
import type { MapOptions } from './nodes.ts';
import type { DatasetExample } from './types.ts';

/** Whether every file is CSV (plain or gzip'd) and no option only openSource knows is set. */
export async function allCsv(paths: readonly string[], csv: SourceOptions): Promise<boolean> {
  if (csv.format !== undefined && csv.format !== 'csv') return false;
  if (csv.columns !== undefined) return false;
  const files = await expandPaths([...paths]);
  for (const file of files) if ((await detectFormat(file)) !== 'csv') return false;
  return files.length > 0;
}

export async function* transformOnWorkers(paths: readonly string[], csv: SourceOptions, spec: FeatureGraph | readonly FeatureColumn[],
    options: MapOptions, label: LabelOptions | null, workers: number | TransformWorkers): AsyncGenerator<DatasetExample> {
  const { format: _format, columns: _columns, ...csvOptions } = csv;
  const graph = spec instanceof FeatureGraph ? spec : null;
  const run = transformFiles({
    paths: [...paths], spec: graph === null ? spec as readonly FeatureColumn[] : graph.plan.columns,
    hash: graph === null ? options.hash : graph.plan.hash, csv: csvOptions, sparse: options.sparse ?? 'default', label, workers,
  });
  for await (const result of run) yield { features: result.batch, labels: result.labels ?? null };
}
