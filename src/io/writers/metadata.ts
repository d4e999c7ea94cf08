import { WriteError } from './errors.ts';
import type { FeatureWriterMeta } from './types.ts';

/** Bumped when the layout of written files changes. */
export const FILE_FORMAT_VERSION = '1';

/** The string metadata every format stores (Arrow schema metadata, safetensors `__metadata__`). */
export const META_KEYS = {
  version: 'feature_columns.version',
  layout: 'feature_columns.layout',
  denseWidth: 'feature_columns.dense_width',
  sparse: 'feature_columns.sparse',
  spec: 'feature_columns.spec',
  label: 'feature_columns.label',
} as const;

const RESERVED_PREFIX = 'feature_columns.';

/** Tensor/column names the formats use besides the ragged outputs' own names. */
const FIXED_NAMES = ['dense', 'label', '__metadata__', '__meta__'];

/** Throws a WriteError when the meta cannot describe a file: bad width, clashing names, reserved extra keys. */
export function checkMeta(path: string, meta: FeatureWriterMeta): void {
  const fail = (reason: string): never => { throw new WriteError(path, reason); };
  if (!Number.isInteger(meta.denseWidth) || meta.denseWidth < 0) fail(`denseWidth must be a count, got ${meta.denseWidth}`);
  const layoutWidth = meta.layout.reduce((n, e) => n + e.width, 0);
  if (layoutWidth !== meta.denseWidth) fail(`the layout's widths add up to ${layoutWidth}, but denseWidth is ${meta.denseWidth}`);
  const seen = new Set(FIXED_NAMES);
  for (const { name } of meta.sparse) {
    // Every name any format derives from a ragged output, so that no two outputs can collide in any format.
    for (const derived of [name, `${name}.ids`, `${name}.offsets`, `${name}.weights`]) {
      if (seen.has(derived)) fail(`ragged output "${name}" clashes with another tensor name ("${derived}")`);
      seen.add(derived);
    }
  }
  const label = meta.label ?? null;
  if (label !== null && !['binary', 'classes', 'regression'].includes(label.kind)) {
    fail(`label kind must be binary, classes or regression, got ${JSON.stringify(label.kind)}`);
  }
  for (const [key, value] of Object.entries(meta.extra ?? {})) {
    if (key.startsWith(RESERVED_PREFIX)) fail(`extra metadata key "${key}" uses the reserved prefix ${RESERVED_PREFIX}`);
    if (typeof value !== 'string') fail(`extra metadata "${key}" must be a string`);
  }
}

/** The ragged outputs as recorded in the file, with whether each carries weights. */
export function sparseRecord(meta: FeatureWriterMeta, weighted: readonly boolean[]): object[] {
  return meta.sparse.map((s, i) => ({
    name: s.name, cardinality: s.cardinality, combiner: s.combiner, dimension: s.dimension, weighted: weighted[i],
  }));
}

/** The metadata as strings (JSON for structured values), reserved keys first, then `extra`. */
export function metadataEntries(meta: FeatureWriterMeta, weighted: readonly boolean[]): Record<string, string> {
  return {
    [META_KEYS.version]: FILE_FORMAT_VERSION,
    [META_KEYS.layout]: JSON.stringify(meta.layout),
    [META_KEYS.denseWidth]: String(meta.denseWidth),
    [META_KEYS.sparse]: JSON.stringify(sparseRecord(meta, weighted)),
    [META_KEYS.spec]: JSON.stringify(meta.spec ?? null),
    [META_KEYS.label]: JSON.stringify(meta.label ?? null),
    ...meta.extra,
  };
}
