/**
 * Data that cannot give a placeholder its value (an empty vocabulary, a constant feature under a
 * z-score, no values at all): names the column and what was seen. A data error, not a spec error.
 */
export class FitError extends Error {
  override name = 'FitError';
  constructor(readonly column: string, message: string) {
    super(`column '${column}': ${message}`);
  }
}
