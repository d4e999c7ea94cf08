import type { GraphPlan } from '../graph/compile.ts';
import type { GraphNode } from '../graph/nodes.ts';

/** graph.describe(): the nodes in run order, then the dense layout and the ragged outputs. */
export function describePlan(plan: GraphPlan): string {
  const lines = [`feature graph: ${plan.nodes.length} nodes, hash ${plan.hash}, dense width ${plan.denseWidth}`, '', 'nodes (run order):'];
  for (const node of plan.nodes) {
    const inputs = node.inputs.map((i) => plan.nodes[i].name).join(', ');
    lines.push(`  #${pad(node.id, 3)} ${node.name.padEnd(34)} ${node.op.padEnd(12)} ${params(node)}${inputs ? `  <- ${inputs}` : ''}`);
  }
  lines.push('', 'dense layout (columns sorted by name):', `  ${'offset'.padEnd(7)}${'width'.padEnd(7)}${'kind'.padEnd(12)}column  [first slots]`);
  for (const { entry } of plan.dense) {
    const shown = entry.slots.slice(0, 3).join(', ') + (entry.slots.length > 3 ? ', ...' : '');
    lines.push(`  ${String(entry.offset).padEnd(7)}${String(entry.width).padEnd(7)}${entry.kind.padEnd(12)}${entry.name}  [${shown}]`);
  }
  lines.push('', 'ragged id outputs:');
  for (const s of plan.sparse) {
    const extra = s.dimension ? `, embedding dimension ${s.dimension}` : '';
    lines.push(`  ${s.name.padEnd(36)} ids in [0, ${s.cardinality}), combiner ${s.combiner}${extra}${s.onlyForAll ? "  (with {sparse: 'all'})" : ''}`);
  }
  return lines.join('\n');
}

function params(node: GraphNode): string {
  switch (node.op) {
    case 'numeric': return `key=${node.key} width=${node.width}${node.defaults ? ` default=[${node.defaults}]` : ''}${node.scale.kind !== 'none' ? ` scale=${node.scale.kind}` : ''}`;
    case 'bucketize': return `boundaries=[${node.boundaries}]`;
    case 'bucket_ids': return `depth=${node.depth} width=${node.width}`;
    case 'read_strings': case 'read_ints': return `key=${node.key}`;
    case 'vocabulary': return `size=${node.vocabulary.length} oov=${node.numOovBuckets} default=${node.defaultValue}`;
    case 'identity': return `buckets=${node.numBuckets}${node.defaultValue !== null ? ` default=${node.defaultValue}` : ''}`;
    case 'hash_bucket': case 'cross': return `buckets=${node.numBuckets}`;
    case 'weights': return `weights=${node.weightKey}`;
  }
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, ' ');
}
