import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { asWriteError } from './errors.ts';

/**
 * A private temporary directory next to the output (`.<name>.tmp-XXXXXX`, same file system, so the final
 * rename is atomic). Writers build their file (and any spool files) in it; `commit` renames the finished
 * file onto the final path and removes the directory, `discard` removes the directory. A crash leaves at
 * most this hidden directory, never a half-written file under the final name.
 */
export class TempOutput {
  private constructor(readonly finalPath: string, readonly dir: string) {}

  static async create(finalPath: string): Promise<TempOutput> {
    try {
      const dir = await mkdtemp(join(dirname(finalPath), `.${basename(finalPath)}.tmp-`));
      return new TempOutput(finalPath, dir);
    } catch (err) {
      throw asWriteError(finalPath, err, 'cannot create the output');
    }
  }

  /** A path inside the temporary directory. */
  file(name: string): string {
    return join(this.dir, name);
  }

  /** Moves the finished file `name` onto the final path; returns its size in bytes. */
  async commit(name: string): Promise<number> {
    try {
      const { size } = await stat(this.file(name));
      await rename(this.file(name), this.finalPath);
      await rm(this.dir, { recursive: true, force: true });
      return size;
    } catch (err) {
      throw asWriteError(this.finalPath, err, 'cannot move the finished output into place');
    }
  }

  async discard(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
