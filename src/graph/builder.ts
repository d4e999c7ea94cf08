import type { GraphNode, Node } from './nodes.ts';

/**
 * Collects nodes while a graph compiles. Identical nodes (same op, parameters and inputs) are shared,
 * so a bucketized `age` used by an indicator and a cross is computed once. After freeze() nothing can be added.
 */
export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  private byKey = new Map<string, number>();
  private names = new Set<string>();
  private frozen = false;

  add(node: Node, column: string, inputs: readonly number[] = [], name = column): number {
    if (this.frozen) throw new Error(`graph is frozen: cannot add '${name}'; compile a new graph with the extra column`);
    const key = JSON.stringify([node, inputs]);
    const existing = this.byKey.get(key);
    if (existing !== undefined) return existing;
    const id = this.nodes.length;
    this.nodes.push(Object.freeze({ ...node, id, name: this.uniqueName(name, node.op), column, inputs: Object.freeze([...inputs]) }));
    this.byKey.set(key, id);
    return id;
  }

  freeze(): readonly GraphNode[] {
    this.frozen = true;
    return Object.freeze(this.nodes);
  }

  private uniqueName(name: string, op: string): string {
    let unique = this.names.has(name) ? `${name}/${op}` : name;
    for (let i = 2; this.names.has(unique); i++) unique = `${name}/${op}_${i}`;
    this.names.add(unique);
    return unique;
  }
}
