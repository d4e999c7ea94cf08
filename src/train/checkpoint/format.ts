/**
 * The checkpoint file format: one binary file per checkpoint.
 *
 *   bytes 0..7    magic "FCKPT\0\0\x01" (format version 1)
 *   bytes 8..11   header length H, uint32 little-endian
 *   bytes 12..    header: H bytes of UTF-8 JSON (CheckpointHeader)
 *   then          payload: every tensor's float32 values, little-endian, in header order
 *
 * The header holds names, shapes, dtypes and payload offsets of the tensors, the global step,
 * optimizer iterations, the RNG states (as uint32 words), and the SHA-256 of the payload, so a
 * truncated or bit-flipped file is detected on read.
 */
import { createHash } from 'node:crypto';

export const MAGIC = Buffer.from([0x46, 0x43, 0x4b, 0x50, 0x54, 0x00, 0x00, 0x01]);

export interface TensorEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
  /** Byte offset within the payload. */
  offset: number;
  /** Number of float32 values. */
  length: number;
}

export interface CheckpointHeader {
  format: 'feature-columns-checkpoint';
  version: 1;
  globalStep: number;
  /** When written (ms since the epoch). */
  wallTime: number;
  tensors: TensorEntry[];
  /** Per optimizer group, in the model's order: its class name and update count. */
  optimizers: { name: string; iterations: number; config: Record<string, unknown> }[];
  /** Named generator states (four uint32 words each). */
  rng: Record<string, number[]>;
  payloadBytes: number;
  sha256: string;
}

/** What a checkpoint holds, in memory. */
export interface CheckpointData {
  globalStep: number;
  tensors: { name: string; shape: number[]; values: Float32Array }[];
  optimizers: { name: string; iterations: number; config: Record<string, unknown> }[];
  rng: Record<string, number[]>;
  wallTime?: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function float32Bytes(values: Float32Array): Buffer {
  const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  if (LITTLE_ENDIAN) return bytes;
  const copy = Buffer.from(bytes);
  copy.swap32();
  return copy;
}

/** The file's bytes: magic, header length, header JSON, payload. */
export function encodeCheckpoint(data: CheckpointData): Buffer {
  const tensors: TensorEntry[] = [];
  const parts: Buffer[] = [];
  let offset = 0;
  for (const t of data.tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.values.length) throw new Error(`checkpoint tensor '${t.name}': shape [${t.shape}] holds ${count} values, given ${t.values.length}`);
    tensors.push({ name: t.name, shape: t.shape, dtype: 'float32', offset, length: t.values.length });
    parts.push(float32Bytes(t.values));
    offset += t.values.byteLength;
  }
  const payload = Buffer.concat(parts, offset);
  const header: CheckpointHeader = {
    format: 'feature-columns-checkpoint', version: 1, globalStep: data.globalStep, wallTime: data.wallTime ?? Date.now(),
    tensors, optimizers: data.optimizers, rng: data.rng, payloadBytes: payload.length,
    sha256: createHash('sha256').update(payload).digest('hex'),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length, 0);
  return Buffer.concat([MAGIC, length, json, payload]);
}

/** The header alone (no checksum check: use `decodeCheckpoint` for the data). */
export function decodeHeader(bytes: Buffer, file: string): { header: CheckpointHeader; payloadStart: number } {
  if (bytes.length < 12 || !bytes.subarray(0, 8).equals(MAGIC)) {
    throw new Error(`checkpoint ${file} is not a feature-columns checkpoint (bad magic bytes${bytes.length < 12 ? '; the file is truncated' : ''})`);
  }
  const headerLength = bytes.readUInt32LE(8);
  if (12 + headerLength > bytes.length) throw new Error(`checkpoint ${file} is truncated: its header needs ${headerLength} bytes, the file has ${bytes.length - 12}`);
  let header: CheckpointHeader;
  try {
    header = JSON.parse(bytes.subarray(12, 12 + headerLength).toString('utf8')) as CheckpointHeader;
  } catch (e) {
    throw new Error(`checkpoint ${file} is corrupted: its header is not valid JSON (${(e as Error).message})`);
  }
  if (header.format !== 'feature-columns-checkpoint' || header.version !== 1) {
    throw new Error(`checkpoint ${file}: unsupported format ${String(header.format)} version ${String(header.version)}`);
  }
  return { header, payloadStart: 12 + headerLength };
}

/** Parses and verifies a checkpoint file's bytes; errors name `file`. */
export function decodeCheckpoint(bytes: Buffer, file: string): CheckpointData {
  const { header, payloadStart } = decodeHeader(bytes, file);
  const payload = bytes.subarray(payloadStart);
  if (payload.length !== header.payloadBytes) {
    throw new Error(`checkpoint ${file} is ${payload.length < header.payloadBytes ? 'truncated' : 'corrupted'}: payload of ${payload.length} bytes, header says ${header.payloadBytes}`);
  }
  const digest = createHash('sha256').update(payload).digest('hex');
  if (digest !== header.sha256) throw new Error(`checkpoint ${file} is corrupted: SHA-256 of its payload is ${digest}, header says ${header.sha256}`);
  const tensors = header.tensors.map((t) => {
    if (t.dtype !== 'float32') throw new Error(`checkpoint ${file}: tensor '${t.name}' has unsupported dtype ${t.dtype}`);
    const values = new Float32Array(t.length);
    const view = Buffer.from(values.buffer);
    payload.copy(view, 0, t.offset, t.offset + t.length * 4);
    if (!LITTLE_ENDIAN) view.swap32();
    return { name: t.name, shape: t.shape, values };
  });
  return { globalStep: header.globalStep, tensors, optimizers: header.optimizers, rng: header.rng, wallTime: header.wallTime };
}
