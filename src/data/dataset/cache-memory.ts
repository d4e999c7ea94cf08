/** `cache()`: the first complete pass keeps its elements; later passes replay them without touching upstream. */
export interface MemoryStore<T> {
  items: T[] | null;
}

export async function* memoryCache<T>(upstream: () => AsyncIterable<T>, store: MemoryStore<T>): AsyncGenerator<T> {
  if (store.items !== null) {
    yield* store.items;
    return;
  }
  const items: T[] = [];
  for await (const item of upstream()) {
    items.push(item);
    yield item;
  }
  store.items ??= items; // only a pass that reached the end fills the cache
}
