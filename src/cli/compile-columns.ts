import type { Schema } from 'apache-arrow';
import { compile, type FeatureColumn, type FeatureGraph, type HashMode } from '../index.ts';
import { UsageError } from './errors.ts';

/**
 * Compiles the columns for the CLI: every transform emits ragged ids for all categorical columns
 * (`{sparse: 'all'}`), so a name two of them share is refused here, before any row is read.
 */
export function compileColumns(columns: readonly FeatureColumn[], schema: Schema, hash: HashMode): FeatureGraph {
  const graph = compile(columns, schema, { hash });
  try {
    graph.sparseNames('all');
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  return graph;
}
