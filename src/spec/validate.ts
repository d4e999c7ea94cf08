import { SpecError } from './errors.ts';

/** Small checks shared by the builders; each throws a SpecError naming the column and the fix. */

export function positiveInt(column: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new SpecError(column, `${what} must be an integer >= 1, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function nonNegativeInt(column: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new SpecError(column, `${what} must be an integer >= 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function featureKey(value: unknown, builder: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new SpecError(String(value), `${builder} needs a non-empty feature key string, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function oneOf<T extends string>(column: string, what: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new SpecError(column, `${what} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** Specs are immutable plain data: freeze the whole tree. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
