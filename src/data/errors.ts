import { DataError } from '../spec/errors.ts';

/**
 * A row that the spec cannot transform (a DataError), located in its file: `file:line: column 'x', row N: reason`.
 * `row` counts the rows out of the stream before it, as a single transform of the whole input would.
 */
export class FileDataError extends DataError {
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, column: string, row: number, reason: string) {
    super(column, row, reason);
    this.file = file;
    this.line = line;
    this.message = `${file}:${line}: ${this.message}`;
  }
}
