import { extname } from 'node:path';

/** The tensor file formats `openFeatureWriter` writes. */
export type OutputFormat = 'arrow' | 'safetensors' | 'jsonl';

const BY_EXTENSION: Record<string, OutputFormat> = {
  '.arrow': 'arrow', '.feather': 'arrow', '.ipc': 'arrow',
  '.safetensors': 'safetensors',
  '.jsonl': 'jsonl', '.ndjson': 'jsonl',
};

/** The output format named by a path's extension (case-insensitive); throws naming the known extensions. */
export function formatFromPath(path: string): OutputFormat {
  const format = BY_EXTENSION[extname(path).toLowerCase()];
  if (format === undefined) {
    const known = Object.keys(BY_EXTENSION).join(', ');
    throw new Error(`cannot tell the output format of "${path}": use one of the extensions ${known} (or name the format)`);
  }
  return format;
}
