import type { RecordBatch } from 'apache-arrow';
import type { RecordBatchSource } from '../../src/io/index.ts';

/** Every batch of a source, and its rows as plain objects (small fixtures only). */
export async function readAll(source: RecordBatchSource): Promise<{ batches: RecordBatch[]; rows: Record<string, unknown>[] }> {
  const batches: RecordBatch[] = [];
  for await (const batch of source) batches.push(batch);
  const rows = batches.flatMap((b) => b.toArray().map((row) => ({ ...row.toJSON() })));
  return { batches, rows };
}

/** `name: Type` of every field, for compact schema assertions. */
export function fieldTypes(batch: { schema: { fields: { name: string; type: unknown }[] } }): string[] {
  return batch.schema.fields.map((f) => `${f.name}: ${String(f.type)}`);
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}
