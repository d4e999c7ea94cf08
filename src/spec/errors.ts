/** A column spec that cannot work: thrown at construction or compile time, naming the column and the fix. */
export class SpecError extends Error {
  override name = 'SpecError';
  constructor(readonly column: string, message: string) {
    super(`column '${column}': ${message}`);
  }
}

/** Data that a valid spec cannot transform: thrown at transform time, naming the column and the row. */
export class DataError extends Error {
  override name = 'DataError';
  constructor(readonly column: string, readonly row: number, message: string) {
    super(`column '${column}', row ${row}: ${message}`);
  }
}
