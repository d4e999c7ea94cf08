/** Readable slot labels for the layout map. */

export function bucketRangeLabels(boundaries: readonly number[]): string[] {
  const edges = ['-inf', ...boundaries.map(String), '+inf'];
  return edges.slice(0, -1).map((lo, i) => `[${lo},${edges[i + 1]})`);
}

/** Labels for a block of `shape` elements: none for a scalar, "[i]" / "[i,j]" otherwise (row-major). */
export function elementLabels(shape: readonly number[]): string[] {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size === 1) return [''];
  return Array.from({ length: size }, (_, flat) => {
    const index: number[] = [];
    for (let d = shape.length - 1; d >= 0; d--) {
      index.unshift(flat % shape[d]);
      flat = Math.floor(flat / shape[d]);
    }
    return `[${index.join(',')}]`;
  });
}
