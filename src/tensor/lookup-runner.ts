import type { GraphNode, Node } from '../graph/nodes.ts';
import type { Hasher } from '../kernels/hash/hasher.ts';
import { DROP, IdTable, mapCodes, mapInts } from '../kernels/id-table.ts';
import { type CategoricalValues, Ragged } from '../kernels/ragged.ts';
import { MAX_DISTINCT, type NodeValue, type RunContext } from './executor.ts';

type LookupOp = Extract<Node, { op: 'vocabulary' | 'hash_bucket' | 'identity' }>;

/**
 * Vocabulary, hash bucket and identity columns: an id per value. Strings are looked up (or hashed) once
 * per distinct interned value; integers once per distinct value through a map, except identity ids,
 * which cost less than the map.
 */
export function lookupRunner(
  node: GraphNode & LookupOp,
  hasher: Hasher,
  fail: (ctx: RunContext, row: number, reason: string) => never,
  input: (ctx: RunContext) => NodeValue,
): (ctx: RunContext) => NodeValue {
  const ragged = new Ragged(new Int32Array(0));
  const table = new IdTable();
  const idOfString = stringIdFunction(node, hasher);
  const idOfInt = intIdFunction(node, hasher);
  return (ctx) => {
    const values = input(ctx) as CategoricalValues;
    // TF drops '' and -1 cells of dense inputs before any lookup.
    const drop = values.dense;
    if (values.kind === 'strings') {
      const { interner } = values;
      const ids = table.extend(interner.size, interner.generation, (code) => {
        const bytes = interner.bytesOf(code);
        return drop && bytes.length === 0 ? DROP : idOfString(bytes);
      });
      mapCodes(values.ragged, ids, ragged);
    } else {
      let bad = 0;
      const badRow = mapInts(values.ragged, (value) => {
        if (drop && value === -1) return DROP;
        const id = idOfInt(value);
        if (id !== id) bad = value;
        return id;
      }, ragged);
      if (badRow >= 0) {
        fail(ctx, badRow, `id ${bad} is out of range [0, ${(node as { numBuckets: number }).numBuckets}); give the column a defaultValue for such ids, or raise numBuckets`);
      }
    }
    return { kind: 'ids', ragged };
  };
}

const decoder = new TextDecoder('utf-8', { fatal: false });

function stringIdFunction(node: LookupOp, hasher: Hasher): (bytes: Uint8Array) => number {
  if (node.op === 'hash_bucket') return (bytes) => hasher.bucketBytes(bytes, node.numBuckets);
  if (node.op === 'vocabulary') {
    const index = new Map<string | number, number>(node.vocabulary.map((v, i) => [v, i]));
    const size = node.vocabulary.length;
    return (bytes) => {
      const id = index.get(decoder.decode(bytes)); // once per distinct value, not per row
      if (id !== undefined) return id;
      return node.numOovBuckets > 0 ? size + hasher.bucketBytes(bytes, node.numOovBuckets) : node.defaultValue;
    };
  }
  return () => NaN; // identity columns never read strings (compile checks the type)
}

/** Ids of integer values (safe integers: read_ints checked them). NaN marks an identity id out of range. */
function intIdFunction(node: LookupOp, hasher: Hasher): (value: number) => number {
  if (node.op === 'identity') {
    const { numBuckets, defaultValue } = node;
    return (value) => (value >= 0 && value < numBuckets ? value : defaultValue ?? NaN);
  }
  const memo = new Map<number, number>();
  const compute = node.op === 'hash_bucket'
    ? (value: number) => hasher.bucketInt(value, node.numBuckets)
    : vocabularyIntId(node, hasher);
  return (value) => {
    let id = memo.get(value);
    if (id === undefined) {
      if (memo.size > MAX_DISTINCT) memo.clear();
      memo.set(value, (id = compute(value)));
    }
    return id;
  };
}

function vocabularyIntId(node: Extract<Node, { op: 'vocabulary' }>, hasher: Hasher): (value: number) => number {
  const index = new Map<string | number, number>(node.vocabulary.map((v, i) => [v, i]));
  const size = node.vocabulary.length;
  return (value) => index.get(value) ?? (node.numOovBuckets === 0 ? node.defaultValue : size + hasher.bucketInt(value, node.numOovBuckets));
}
