/**
 * Read-ahead: keeps `k` requests for the next elements outstanding on the upstream generator, so its work
 * (file reads, worker results, transforms) proceeds while the consumer is busy. Async generators queue
 * requests, so the elements still come in order. Errors surface at the element where they happened.
 */
type Settled<T> = { ok: true; value: IteratorResult<T> } | { ok: false; error: unknown };

export async function* readAhead<T>(input: AsyncIterable<T>, k: number): AsyncGenerator<T> {
  const iterator = input[Symbol.asyncIterator]();
  const queue: Promise<Settled<T>>[] = [];
  let ended = false;
  const request = () => {
    queue.push(iterator.next().then((value): Settled<T> => ({ ok: true, value }), (error: unknown): Settled<T> => ({ ok: false, error })));
  };
  try {
    for (;;) {
      while (!ended && queue.length < k + 1) request();
      const head = await queue.shift()!;
      if (!head.ok) {
        ended = true;
        throw head.error;
      }
      if (head.value.done) {
        ended = true;
        return;
      }
      yield head.value.value;
    }
  } finally {
    if (!ended) {
      await Promise.all(queue.splice(0));
      await iterator.return?.(undefined);
    }
  }
}
