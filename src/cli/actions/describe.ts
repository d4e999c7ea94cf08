import { closeUnread, dataFiles, openData } from '../data.ts';
import { compileColumns } from '../compile-columns.ts';
import { UsageError } from '../errors.ts';
import type { Io } from '../io.ts';
import { loadColumns, requireFittedColumns } from '../load-columns.ts';
import { hashMode } from '../options.ts';
import { featureUses, schemaFromSpec } from '../spec-fields.ts';

export interface DescribeFlags {
  data?: string;
  hash: string;
  delimiter?: string;
}

/** `fcol describe`: compiles the columns (against --data's schema or one derived from them) and prints the graph. */
export async function describe(columnsPath: string, flags: DescribeFlags, io: Io): Promise<void> {
  const loaded = await loadColumns(columnsPath);
  requireFittedColumns(loaded);
  let schema;
  if (flags.data !== undefined) {
    const files = await dataFiles([flags.data]);
    const opened = await openData(files, { batchSize: 8192, ...(flags.delimiter ? { delimiter: flags.delimiter } : {}) }, featureUses(loaded.columns));
    schema = opened.schema;
    await closeUnread(opened.source);
  } else {
    if (flags.delimiter !== undefined) throw new UsageError('--delimiter needs --data');
    schema = schemaFromSpec(loaded.columns);
  }
  const graph = compileColumns(loaded.columns, schema, hashMode(flags.hash));
  const source = flags.data === undefined ? 'a schema derived from the columns (numbers Float64, integer ids Int64, strings Utf8)' : flags.data;
  io.out(`columns: ${columnsPath} (${loaded.columns.length} columns), compiled against ${source}\n`);
  io.out(graph.describe() + '\n');
}
