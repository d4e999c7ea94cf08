/**
 * `argScope`: defaults for the layer constructors called inside a function, like TF-slim's
 * arg_scope. Explicit constructor arguments win; scopes nest (an inner scope's defaults merge over
 * the outer's); and a scope can be kept and re-entered later.
 *
 * @example
 * const hidden = argScope([Dense], {activation: 'relu', kernelRegularizer: l2(0.05)}, () =>
 *   [new Dense({units: 64}), new Dense({units: 32, activation: 'tanh'})]); // relu + l2, tanh + l2
 * const scope = argScope([Dense], {activation: 'relu'});                     // kept
 * argScope(scope, () => new Dense({units: 8}));                               // relu again
 *
 * The scope is active only while `fn` runs synchronously: layers created after an `await` inside
 * an async `fn` don't see it.
 */

// Constructors are the keys: any class (with any constructor signature) can take defaults.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyConstructor = abstract new (...args: any[]) => unknown;

/** A captured set of defaults per constructor: everything in effect where it was made. */
export interface ArgScope {
  readonly defaults: ReadonlyMap<AnyConstructor, Readonly<Record<string, unknown>>>;
}

const EMPTY: ArgScope = { defaults: new Map() };
let active: ArgScope = EMPTY;

/** Runs `fn` with these defaults added for these constructors; returns what `fn` returns. */
export function argScope<T>(layers: readonly AnyConstructor[], defaults: object, fn: () => T): T;
/** Captures the current scope plus these defaults, for re-entering with `argScope(scope, fn)`. */
export function argScope(layers: readonly AnyConstructor[], defaults: object): ArgScope;
/** Re-enters a captured scope (replacing, not merging with, the current one, as TF-slim does). */
export function argScope<T>(scope: ArgScope, fn: () => T): T;
export function argScope<T>(a: readonly AnyConstructor[] | ArgScope, b?: object | (() => T), c?: () => T): T | ArgScope {
  if (!Array.isArray(a)) return enter(a as ArgScope, b as () => T);
  const scope = extend(active, a as readonly AnyConstructor[], (b ?? {}) as Record<string, unknown>);
  return c === undefined ? scope : enter(scope, c);
}

/** The defaults in effect for `ctor` right now ({} outside any scope). */
export function currentDefaults(ctor: AnyConstructor): Readonly<Record<string, unknown>> {
  return active.defaults.get(ctor) ?? {};
}

function extend(base: ArgScope, layers: readonly AnyConstructor[], defaults: Record<string, unknown>): ArgScope {
  const merged = new Map(base.defaults);
  for (const ctor of layers) {
    if (typeof ctor !== 'function') throw new Error('argScope: the first argument lists layer classes, e.g. [Dense]');
    merged.set(ctor, Object.freeze({ ...(merged.get(ctor) ?? {}), ...defaults }));
  }
  return Object.freeze({ defaults: merged });
}

function enter<T>(scope: ArgScope, fn: () => T): T {
  const saved = active;
  active = scope;
  try {
    return fn();
  } finally {
    active = saved;
  }
}
