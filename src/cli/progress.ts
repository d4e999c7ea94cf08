import { open } from 'node:fs/promises';
import { constants, gunzipSync } from 'node:zlib';
import cliProgress from 'cli-progress';
import type { DataFile } from './data.ts';

/** Bytes of each CSV file's head sampled to estimate its row count. */
const SAMPLE_BYTES = 1 << 20;

/**
 * About how many rows the files hold, for the progress bar's percentage and ETA: each CSV file's size over
 * the bytes per line of its first MiB (decompressed as far as it goes for gzip, so the estimate stays in
 * on-disk bytes). Null when a file is Arrow or Parquet (no cheap estimate) or unreadable.
 */
async function estimateRows(files: readonly DataFile[]): Promise<number | null> {
  let rows = 0;
  for (const file of files) {
    try {
      if (file.format !== 'csv') return null;
      const handle = await open(file.path, 'r');
      let head: Uint8Array;
      try {
        const buf = new Uint8Array(Math.min(SAMPLE_BYTES, file.bytes));
        const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
        head = buf.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
      const gzip = head[0] === 0x1f && head[1] === 0x8b;
      const text = gzip ? gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH }) : head;
      let lines = 0;
      for (let i = 0; i < text.length; i++) if (text[i] === 10) lines++;
      if (lines === 0) continue;
      rows += head.length === file.bytes && !gzip ? lines - 1 : Math.round((file.bytes / head.length) * lines) - 1;
    } catch {
      return null;
    }
  }
  return rows;
}

export interface ProgressOptions {
  /** What is running, e.g. "transform". */
  label: string;
  totalBytes: number;
  /** Estimated rows in all files, or null when unknown (no percentage or ETA then). */
  estimatedRows: number | null;
}

/**
 * A progress bar on stderr: rows, MB/s and ETA when the size is known, else rows and rows/s. Shown only when
 * stderr is a terminal and neither --quiet nor --json was given; otherwise every call does nothing.
 */
export class Progress {
  private readonly bar: cliProgress.SingleBar | null;
  private readonly started = performance.now();
  private readonly bytesPerRow: number | null;

  constructor(private readonly options: ProgressOptions, enabled: boolean) {
    const known = options.estimatedRows !== null && options.estimatedRows > 0 && options.totalBytes > 0;
    this.bytesPerRow = known ? options.totalBytes / options.estimatedRows! : null;
    if (!enabled || !process.stderr.isTTY) {
      this.bar = null;
      return;
    }
    const format = known
      ? `${options.label} [{bar}] {percentage}% | {rows} rows | {mbps} MB/s | ETA {eta_formatted}`
      : `${options.label} {rows} rows | {rps} rows/s | {duration_formatted}`;
    this.bar = new cliProgress.SingleBar({
      format, stream: process.stderr, fps: 8, barsize: 24, hideCursor: true, clearOnComplete: true, etaBuffer: 20,
    }, cliProgress.Presets.shades_classic);
    this.bar.start(known ? options.totalBytes : 0, 0, this.payload(0));
  }

  /** A bar over `files`; their rows are estimated (a read of each file's head) only when the bar will show. */
  static async over(label: string, files: readonly DataFile[], enabled: boolean): Promise<Progress> {
    const shown = enabled && process.stderr.isTTY === true;
    const totalBytes = files.reduce((n, f) => n + f.bytes, 0);
    return new Progress({ label, totalBytes, estimatedRows: shown ? await estimateRows(files) : null }, shown);
  }

  update(rows: number): void {
    if (this.bar === null) return;
    const bytes = this.bytesPerRow === null ? 0 : Math.min(rows * this.bytesPerRow, this.options.totalBytes * 0.999);
    this.bar.update(bytes, this.payload(rows));
  }

  /** Removes the bar (a summary follows it). */
  stop(): void {
    this.bar?.stop();
  }

  private payload(rows: number): Record<string, string> {
    const seconds = Math.max((performance.now() - this.started) / 1000, 1e-3);
    const bytes = this.bytesPerRow === null ? 0 : rows * this.bytesPerRow;
    return {
      rows: rows.toLocaleString('en-US'),
      rps: Math.round(rows / seconds).toLocaleString('en-US'),
      mbps: (bytes / seconds / 1e6).toFixed(1),
    };
  }
}
