import { columnName } from './names.ts';
import type { FeatureColumn } from './types.ts';

/** A column's name for an error message, or the raw value when it is not a column at all. */
export function describe(column: unknown): string {
  if (column && typeof column === 'object' && 'type' in column) {
    try { return columnName(column as FeatureColumn); } catch { /* fall through to the raw value */ }
  }
  return JSON.stringify(column) ?? String(column);
}
