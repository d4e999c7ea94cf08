/**
 * Writes the binary fixtures of the io tests from the first 100 rows of fixtures/census/adult.data.csv:
 * fixtures/io/census-100.{csv,arrow,arrows,parquet} and the cut-short fixtures/bad/truncated.{arrow,csv.gz}.
 * Run: npx tsx scripts/make-io-fixtures.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Table, tableToIPC } from 'apache-arrow';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';
import { readCsv } from '../src/io/index.ts';

const ROWS = 100;
const csvLines = readFileSync('fixtures/census/adult.data.csv', 'utf8').split('\n').slice(0, ROWS + 1);
const csv = csvLines.join('\n') + '\n';
writeFileSync('fixtures/io/census-100.csv', csv);

const reader = readCsv('fixtures/io/census-100.csv');
const batches = [];
for await (const batch of reader) batches.push(batch);
const table = new Table(batches);
const file = tableToIPC(table, 'file');
writeFileSync('fixtures/io/census-100.arrow', file);
writeFileSync('fixtures/io/census-100.arrows', tableToIPC(table, 'stream'));
// Two row groups, so the reader's walk over groups is exercised.
const properties = new WriterPropertiesBuilder().setMaxRowGroupSize(60).setCompression(Compression.SNAPPY).build();
writeFileSync('fixtures/io/census-100.parquet', writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), properties));

writeFileSync('fixtures/bad/truncated.arrow', file.subarray(0, file.length >> 1));
const gz = gzipSync(csv);
writeFileSync('fixtures/bad/truncated.csv.gz', gz.subarray(0, gz.length >> 1));
console.log(`wrote ${ROWS}-row census fixtures (${table.numRows} rows, ${table.schema.fields.length} columns)`);
