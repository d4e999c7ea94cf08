/** A column spec that cannot work: thrown at construction or compile time, naming the column and the fix. */
export class SpecError extends Error {
  override name = 'SpecError';
  /** `reason`: what is wrong and the fix, without the `column 'c': ` prefix of the message. */
  constructor(readonly column: string, readonly reason: string) {
    super(`column '${column}': ${reason}`);
  }
}

/** Data that a valid spec cannot transform: thrown at transform time, naming the column and the row. */
export class DataError extends Error {
  override name = 'DataError';
  /** `reason`: what is wrong with the value, without the `column 'c', row r: ` prefix of the message. */
  constructor(readonly column: string, readonly row: number, readonly reason: string) {
    super(`column '${column}', row ${row}: ${reason}`);
  }
}
