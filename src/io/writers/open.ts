import { ArrowFeatureWriter } from './arrow-writer.ts';
import type { BaseFeatureWriter } from './base-writer.ts';
import { formatFromPath, type OutputFormat } from './format.ts';
import { JsonlFeatureWriter } from './jsonl-writer.ts';
import { checkMeta } from './metadata.ts';
import { SafetensorsFeatureWriter } from './safetensors-writer.ts';
import { TempOutput } from './temp-output.ts';
import type { FeatureWriter, FeatureWriterMeta } from './types.ts';

/**
 * Opens a writer for `path` in `format` (default: from the extension, see formatFromPath). Nothing appears at
 * `path` until `close()` renames the finished file there (replacing any file of that name); until then the
 * output is built in a hidden temporary directory next to it, which `abort()` removes. The directory of
 * `path` must exist. Throws a WriteError for a meta that cannot describe a file or an unwritable directory.
 */
export async function openFeatureWriter(path: string, meta: FeatureWriterMeta, format?: OutputFormat): Promise<FeatureWriter> {
  const chosen = format ?? formatFromPath(path);
  checkMeta(path, meta);
  const temp = await TempOutput.create(path);
  try {
    return make(chosen, path, meta, temp);
  } catch (err) {
    await temp.discard();
    throw err;
  }
}

function make(format: OutputFormat, path: string, meta: FeatureWriterMeta, temp: TempOutput): BaseFeatureWriter {
  switch (format) {
    case 'arrow': return new ArrowFeatureWriter(path, meta, temp);
    case 'safetensors': return new SafetensorsFeatureWriter(path, meta, temp);
    case 'jsonl': return new JsonlFeatureWriter(path, meta, temp);
    default: throw new Error(`unknown output format ${JSON.stringify(format)}: arrow, safetensors or jsonl`);
  }
}
