import { open, type FileHandle } from 'node:fs/promises';
import type { FeatureBatch } from '../../tensor/feature-batch.ts';
import { viewBatch, type BatchView } from './batch-view.ts';
import { asWriteError, WriteError } from './errors.ts';
import type { TempOutput } from './temp-output.ts';
import type { FeatureWriteResult, FeatureWriter, FeatureWriterMeta } from './types.ts';

type State = 'open' | 'closing' | 'closed' | 'aborted' | 'failed';

/**
 * What every format shares: checks each batch against the meta, runs writes one at a time in call order,
 * counts rows, and builds the file in a TempOutput that `close` commits and `abort` (or a failure) discards.
 * A format implements the four hooks; `begin` runs once, before the first rows (or at close for 0 rows),
 * when whether each ragged output is weighted is known.
 */
export abstract class BaseFeatureWriter implements FeatureWriter {
  private state: State = 'open';
  private failure: unknown = null;
  private chain: Promise<void> = Promise.resolve();
  private begun = false;
  private weighted: boolean[] | null;
  protected rows = 0;

  constructor(protected readonly path: string, protected readonly meta: FeatureWriterMeta, protected readonly temp: TempOutput) {
    const declared = meta.sparse.map((s) => s.weighted);
    this.weighted = declared.every((w) => w !== undefined) ? (declared as boolean[]) : null;
  }

  protected abstract begin(weighted: readonly boolean[]): Promise<void>;
  protected abstract writeRows(view: BatchView): Promise<void>;
  /** Completes the file inside the temp directory; returns its name there. */
  protected abstract finish(): Promise<string>;
  /** Closes whatever is open (file handles); called before discarding. Must not throw. */
  protected abstract release(): Promise<void>;

  write(batch: FeatureBatch, labels?: Float32Array | Int32Array): Promise<void> {
    if (this.state !== 'open') return Promise.reject(this.notOpen('write'));
    let view: BatchView;
    try {
      // A batch that does not fit is refused before anything is written, so the file stays consistent.
      this.weighted ??= this.meta.sparse.map((s) => s.weighted ?? batch.sparse[s.name]?.weights !== undefined);
      view = viewBatch(this.path, this.meta, this.weighted, batch, labels);
    } catch (err) {
      return Promise.reject(err);
    }
    const weighted = this.weighted;
    return this.enqueue(async () => {
      if (!this.begun) { this.begun = true; await this.begin(weighted); }
      await this.writeRows(view);
      this.rows += view.rows;
    });
  }

  async close(): Promise<FeatureWriteResult> {
    if (this.state === 'failed') { await this.discard(); throw this.failure; }
    if (this.state !== 'open') throw this.notOpen('close');
    this.state = 'closing';
    await this.chain;
    // (A write still queued may have failed, or abort() may have run, meanwhile.)
    if ((this.state as State) === 'failed') { await this.discard(); throw this.failure; }
    if ((this.state as State) !== 'closing') throw this.notOpen('close');
    try {
      if (!this.begun) { this.begun = true; await this.begin(this.weighted ?? this.meta.sparse.map((s) => s.weighted ?? false)); }
      const name = await this.finish();
      const bytes = await this.temp.commit(name);
      this.state = 'closed';
      return { rows: this.rows, bytes, path: this.path };
    } catch (err) {
      this.state = 'failed';
      this.failure = asWriteError(this.path, err, 'cannot finish the output');
      await this.discard();
      throw this.failure;
    }
  }

  async abort(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'aborted';
    await this.chain;
    await this.discard();
  }

  /** Runs `task` after all earlier writes; a failure marks the writer failed (only abort or close, which cleans up, remain). */
  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(async () => {
      if (this.state === 'failed') throw this.failure;
      try {
        await task();
      } catch (err) {
        this.failure = asWriteError(this.path, err, 'cannot write');
        if (this.state !== 'aborted') this.state = 'failed';
        throw this.failure;
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async discard(): Promise<void> {
    await this.release();
    await this.temp.discard();
  }

  private notOpen(what: string): WriteError {
    return new WriteError(this.path, `${what}() after the writer was ${this.state === 'closing' ? 'closed' : this.state}`);
  }
}

/** A format written as one file in the temp directory: opens it, and closes it when finished or discarded. */
export abstract class SingleFileWriter extends BaseFeatureWriter {
  protected handle: FileHandle | null = null;

  protected abstract readonly fileName: string;

  protected async openFile(): Promise<FileHandle> {
    this.handle = await open(this.temp.file(this.fileName), 'w');
    return this.handle;
  }

  protected async finish(): Promise<string> {
    await this.handle!.close();
    this.handle = null;
    return this.fileName;
  }

  protected async release(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = null;
  }
}
