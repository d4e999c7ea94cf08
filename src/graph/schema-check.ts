import { type DataType, type Field, type Schema, Type } from 'apache-arrow';
import { SpecError } from '../spec/errors.ts';
import { compareCodePoints } from '../spec/names.ts';

/** What a column needs to know about one input field: is it a list, and what are its items. */
export interface FieldInfo {
  readonly list: boolean;
  /** Items per row for FixedSizeList fields, else null. */
  readonly listSize: number | null;
  readonly item: 'float' | 'int' | 'bool' | 'string' | 'other';
  readonly typeText: string;
}

export function fieldInfo(schema: Schema, key: string, column: string): FieldInfo {
  const field = schema.fields.find((f) => f.name === key);
  if (!field) throw new SpecError(column, `feature '${key}' is not in the data; ${suggest(schema, key)}`);
  return infoOf(field);
}

function infoOf(field: Field): FieldInfo {
  const type = field.type as DataType;
  const typeText = String(type);
  if (type.typeId === Type.List || type.typeId === Type.LargeList || type.typeId === Type.FixedSizeList) {
    const child = (type as unknown as { children: Field[] }).children[0];
    const listSize = type.typeId === Type.FixedSizeList ? (type as unknown as { listSize: number }).listSize : null;
    return { list: true, listSize, item: itemKind(child.type), typeText };
  }
  return { list: false, listSize: null, item: itemKind(type), typeText };
}

function itemKind(type: DataType): FieldInfo['item'] {
  switch (type.typeId) {
    case Type.Float: return 'float';
    case Type.Int: return 'int';
    case Type.Bool: return 'bool';
    case Type.Utf8: case Type.LargeUtf8: return 'string';
    case Type.Dictionary: {
      const values = (type as unknown as { dictionary: DataType }).dictionary;
      return values.typeId === Type.Int ? 'int' : values.typeId === Type.Utf8 || values.typeId === Type.LargeUtf8 ? 'string' : 'other';
    }
    default: return 'other';
  }
}

function suggest(schema: Schema, key: string): string {
  const names = schema.fields.map((f) => f.name);
  const close = closestName(key, names);
  if (close) return `did you mean '${close}'?`;
  const shown = [...names].sort(compareCodePoints).slice(0, 20);
  return `the data has ${names.length} fields: ${shown.join(', ')}${names.length > shown.length ? ', ...' : ''}`;
}

/** The field a typo most likely meant: same letters ignoring case and separators, else within 2 edits. */
function closestName(key: string, names: readonly string[]): string | null {
  const plain = (s: string) => s.toLowerCase().replace(/[-_ ]/g, '');
  const same = names.find((n) => plain(n) === plain(key));
  if (same) return same;
  let best: string | null = null;
  let bestDistance = Math.min(2, Math.floor(key.length / 3));
  for (const name of names) {
    const d = editDistance(plain(key), plain(name));
    if (d <= bestDistance) {
      best = name;
      bestDistance = d - 1; // a later name must be strictly closer
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
