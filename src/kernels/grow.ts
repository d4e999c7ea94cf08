/**
 * A larger copy of a growable typed array: its length doubled (from at least 16) until `atLeast` fits,
 * holding the first `used` elements (all of them unless given).
 */
export function grow<T extends Int32Array | Uint8Array | Float32Array | Float64Array>(array: T, atLeast: number, used = array.length): T {
  let size = Math.max(array.length, 16);
  while (size < atLeast) size *= 2;
  const bigger = new (array.constructor as new (n: number) => T)(size);
  bigger.set(used === array.length ? array : array.subarray(0, used));
  return bigger;
}
