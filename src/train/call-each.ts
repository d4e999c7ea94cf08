/** Calls `method` on each target in order (those that have it), awaiting only the calls that return a promise. */
export async function callEach<T extends object>(targets: readonly T[], method: keyof T, args: readonly unknown[]): Promise<void> {
  for (const target of targets) {
    const fn = target[method] as ((...a: unknown[]) => void | Promise<void>) | undefined;
    if (fn === undefined) continue;
    const result = fn.apply(target, args as unknown[]);
    if (result instanceof Promise) await result;
  }
}
