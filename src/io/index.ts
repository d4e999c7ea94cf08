/** Streaming readers: CSV (plain or gzip'd), Arrow IPC and Parquet files as Arrow record batches of bounded size. */
export { readCsv, CsvReader } from './csv/csv-reader.ts';
export type { CsvOptions } from './csv/csv-options.ts';
export type { CsvColumnType } from './csv/infer-types.ts';
export { sniffDialect, type CsvDialect } from './csv/dialect.ts';
export { readArrow, ArrowReader, type ArrowOptions } from './arrow-reader.ts';
export { readParquet, ParquetReader, type ParquetOptions } from './parquet-reader.ts';
export { openSource, ConcatSource, type SourceOptions } from './open-source.ts';
export { detectFormat, type SourceFormat } from './format.ts';
export { ReadError } from './errors.ts';
export type { OnError } from './reject-policy.ts';
export { DEFAULT_BATCH_SIZE, type ReadStats, type RecordBatchSource } from './source.ts';
export * from './writers/index.ts';
