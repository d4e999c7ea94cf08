import { appendFile, writeFile } from 'node:fs/promises';
import { ReadError } from './errors.ts';

/**
 * What a reader does with a bad row: `fail` (default) throws a ReadError, `skip` counts it,
 * `{quarantine: path}` counts it and writes it to `path` as one JSON line
 * `{"file","line","column","value","reason","row"}` (`row` = the raw text of the row). The file starts
 * empty, unless `append` (for several streams sharing one file that their caller emptied).
 */
export type OnError = 'fail' | 'skip' | { quarantine: string; append?: boolean };

/** A rejected row: where it was, why, and its raw text. */
export interface RejectedRow {
  error: ReadError;
  raw: string;
  /** More fields of the quarantine line (e.g. the stage that refused the row); they override the error's. */
  extra?: Record<string, unknown>;
}

/** Applies the bad-row policy; one instance serves every file of a stream, so they share one quarantine file. */
export class RowRejecter {
  private readonly quarantinePath: string | null;
  private pending: string[] = [];
  private started = false;

  constructor(readonly policy: OnError = 'fail') {
    if (policy !== 'fail' && policy !== 'skip' && typeof policy?.quarantine !== 'string') {
      throw new TypeError(`onError must be 'fail', 'skip' or {quarantine: path}, got ${JSON.stringify(policy)}`);
    }
    this.quarantinePath = typeof policy === 'object' ? policy.quarantine : null;
  }

  /** Whether rejected rows are written out (so their raw text is needed). */
  get quarantines(): boolean {
    return this.quarantinePath !== null;
  }

  /** Throws under `fail`; otherwise queues the row for the quarantine file (the caller counts it). */
  reject(row: RejectedRow): void {
    if (this.policy === 'fail') throw row.error;
    if (this.quarantinePath !== null) {
      this.pending.push(JSON.stringify({ ...row.error.toJSON(), ...row.extra, row: row.raw }, bigintAsText) + '\n');
    }
  }

  /** Writes queued rows; called once per batch so that the file grows with the stream. */
  async flush(): Promise<void> {
    if (this.quarantinePath === null) return;
    if (!this.started) {
      if (typeof this.policy !== 'object' || this.policy.append !== true) await writeFile(this.quarantinePath, '');
      this.started = true;
    }
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    await appendFile(this.quarantinePath, text);
  }
}

/** JSON has no 64-bit integers: an int64 value of a record is written as its decimal text. */
function bigintAsText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
