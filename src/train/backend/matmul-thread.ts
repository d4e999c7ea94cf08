/**
 * A second thread for the WebAssembly kernels (matmul-wasm.ts): the big matrix products of a training step
 * are cut into a few chunks of rows, which the calling thread and one helper thread take turns to grab. The
 * helper runs its own instance of the module over the same shared memory (with a stack of its own). Each
 * element is summed in the same order whichever thread computes its row (matmul.c's matmul_rows), so the
 * results are bit for bit those of one thread.
 *
 * One helper thread serves the process (started on first use, never keeping it alive); each WasmMatmul is a
 * lane of it. The helper is only an accelerator: until it has started and instantiated a lane, the calling
 * thread computes everything itself, and since chunks are grabbed, not assigned, a helper that is slow to
 * wake (its core busy elsewhere) costs nothing: the caller takes the chunks it has not. Jobs go through a
 * few integers of a SharedArrayBuffer, not messages: the helper spins briefly on the job counter and then
 * sleeps in Atomics.wait, so a step's ten or so products cost microseconds to hand over.
 */

/** Operations the helper runs: the exports of matmul.c / dense.c with a row range. */
export const OP_MATMUL_ROWS = 1, OP_DENSE_FORWARD_ROWS = 2, OP_DENSE_BACKWARD_PRODUCTS = 3;
const OP_ATTACH = 4;

/**
 * Int32 slots of the control block. SEQ: the latest job's number. STATE: that number while the job is open,
 * JOINED once the helper takes part, CLOSED once the caller has done every chunk without it. NEXT: the next
 * chunk to grab. LEFT: the last job the helper finished its part of. TOTAL1/TOTAL2: the row counts the chunks
 * split (the second for a backward's dx rows).
 */
const SEQ = 0, STATE = 1, NEXT = 2, LEFT = 3, FAILED = 4, OP = 5, LANE = 6, CHUNKS = 7, TOTAL1 = 8, TOTAL2 = 9, ARGS = 10;
const MAX_ARGS = 16, JOINED = -1, CLOSED = -2;
/**
 * Spins of the waiting side before it sleeps: a few microseconds, enough for back-to-back products. A helper
 * that sleeps through a product costs nothing (the caller grabs the chunks it does not take), and spinning
 * for half a millisecond measured no faster in whole training runs while keeping a core from the JIT's and
 * the garbage collector's threads.
 */
const SPINS = 1 << 10;
/** A helper that has not finished its chunks after this long is given up (its chunks are redone here). */
const HELPER_TIMEOUT_MS = 10_000;

/**
 * Rows [begin, end) of chunk c of `total` rows in `chunks`: about equal, cut on multiples of 4 (whole 4-row
 * panels). HELPER_SOURCE has the same function: both threads must cut alike.
 */
function chunkBounds(total: number, chunks: number, c: number): [number, number] {
  const cut = (i: number): number => (i >= chunks ? total : Math.floor((total * i) / chunks) & ~3);
  return [cut(c), cut(c + 1)];
}

/** The helper's code: plain JavaScript, run with `eval` so it needs no file of its own or a loader. */
const HELPER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { control, port } = workerData;
const ctl = new Int32Array(control);
const lanes = new Map();
// chunkBounds of the module (written out: a transpiled function's text may call helpers this thread lacks).
function chunkBounds(total, chunks, c) {
  const cut = (i) => (i >= chunks ? total : Math.floor((total * i) / chunks) & ~3);
  return [cut(c), cut(c + 1)];
}
function attach() {
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    const { lane, memory, module, stackTop, ready } = m.message;
    if (memory === null) { lanes.delete(lane); continue; }
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
    exports.__stack_pointer.value = stackTop;
    lanes.set(lane, exports);
    Atomics.store(new Int32Array(ready), 0, 1);
  }
}
function chunk(ex, op, c) {
  const a = ${ARGS}, chunks = ctl[${CHUNKS}];
  const [b1, e1] = chunkBounds(ctl[${TOTAL1}], chunks, c), [b2, e2] = chunkBounds(ctl[${TOTAL2}], chunks, c);
  if (op === ${OP_MATMUL_ROWS}) ex.matmul_rows(ctl[a], ctl[a + 1], ctl[a + 2], ctl[a + 3], ctl[a + 4], ctl[a + 5], ctl[a + 6], ctl[a + 7], ctl[a + 8], ctl[a + 9], ctl[a + 10], b1, e1);
  else if (op === ${OP_DENSE_FORWARD_ROWS}) ex.dense_forward_rows(ctl[a], ctl[a + 1], ctl[a + 2], ctl[a + 3], ctl[a + 4], ctl[a + 5], ctl[a + 6], ctl[a + 7], ctl[a + 8], ctl[a + 9], b1, e1);
  else ex.dense_backward_products(ctl[a], ctl[a + 1], ctl[a + 2], ctl[a + 3], ctl[a + 4], ctl[a + 5], ctl[a + 6], ctl[a + 7], ctl[a + 8], ctl[a + 9], ctl[a + 10], b1, e1, b2, e2);
}
let seen = 0;
for (;;) {
  let spins = 0;
  while (Atomics.load(ctl, ${SEQ}) === seen) {
    if (++spins > ${SPINS}) { Atomics.wait(ctl, ${SEQ}, seen); spins = 0; }
  }
  seen = Atomics.load(ctl, ${SEQ});
  if (Atomics.compareExchange(ctl, ${STATE}, seen, ${JOINED}) !== seen) continue; // the caller did it all
  try {
    const op = ctl[${OP}];
    if (op === ${OP_ATTACH}) attach();
    else {
      const ex = lanes.get(ctl[${LANE}]), chunks = ctl[${CHUNKS}];
      for (let c = Atomics.add(ctl, ${NEXT}, 1); c < chunks; c = Atomics.add(ctl, ${NEXT}, 1)) chunk(ex, op, c);
    }
  } catch {
    ctl[${FAILED}] = 1;
  }
  Atomics.store(ctl, ${LEFT}, seen);
  Atomics.notify(ctl, ${LEFT});
}
`;

interface Helper {
  control: Int32Array;
  post(message: unknown): void;
  /** The last job number handed out. */
  seq: number;
  /** Whether the helper may still be working on that job (an attach the caller does not wait for). */
  pending: boolean;
}

let helper: Helper | null = null;
let starting: Promise<Helper | null> | null = null;
let nextLane = 1;

/**
 * Node's worker_threads and os, imported as this module loads (null elsewhere): a helper started in the middle
 * of a training loop that awaits only settled promises must not wait for the event loop to load them.
 */
const nodeModules = typeof process === 'object' && typeof process.versions?.node === 'string'
  ? Promise.all([import('node:worker_threads'), import('node:os')]).catch(() => null)
  : Promise.resolve(null);

/** Starts the process's helper thread once (null where worker threads, shared memory or a second core are missing). */
function startHelper(): Promise<Helper | null> {
  starting ??= (async () => {
    try {
      const modules = await nodeModules;
      if (modules === null || typeof SharedArrayBuffer !== 'function' || typeof Atomics?.wait !== 'function') return null;
      const [{ Worker, MessageChannel }, os] = modules;
      if (os.availableParallelism() < 2) return null;
      const control = new Int32Array(new SharedArrayBuffer(4 * (ARGS + MAX_ARGS)));
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { control: control.buffer, port: port2 }, transferList: [port2] });
      worker.unref();
      port1.unref();
      const started: Helper = { control, post: (message) => port1.postMessage(message), seq: 0, pending: false };
      worker.on('error', () => { if (helper === started) helper = null; });
      worker.on('exit', () => { if (helper === started) helper = null; });
      helper = started;
      return started;
    } catch {
      return null;
    }
  })();
  return starting;
}

/** Lanes whose WasmMatmul was garbage-collected: the helper drops their instances at its next attach. */
const finalizer = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry<number>((lane) => helper?.post({ lane, memory: null }))
  : null;

/** Computes chunk rows [begin1, end1) (and [begin2, end2) of a second range) on the calling thread. */
export type LocalChunk = (begin1: number, end1: number, begin2: number, end2: number) => void;

/** One WasmMatmul's use of the helper thread: its own module instance there, over the WasmMatmul's memory. */
export class HelperLane {
  private readonly lane = nextLane++;
  private readonly ready = new Int32Array(new SharedArrayBuffer(4));
  /** Jobs the helper took part in for this lane (and did not fail). */
  jobs = 0;
  /** Resolves once the helper has instantiated this lane (false when there is no helper). */
  readonly whenReady: Promise<boolean>;

  /** `owner` is the WasmMatmul (the lane ends when it is collected); `stackTop` the byte address of the top of the helper's stack there. */
  constructor(owner: object, memory: WebAssembly.Memory, module: WebAssembly.Module, stackTop: number) {
    finalizer?.register(owner, this.lane);
    this.whenReady = startHelper().then(async (h) => {
      if (h === null) return false;
      h.post({ lane: this.lane, memory, module, stackTop, ready: this.ready.buffer });
      // The helper reads its messages when told to attach; polled with a timer, which also keeps the process alive.
      for (let attempt = 0; attempt < 2000 && Atomics.load(this.ready, 0) !== 1; attempt++) {
        if (!this.helperBusy(h)) {
          this.post(h, OP_ATTACH, [], 0, 0, 0);
          h.pending = true;
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return Atomics.load(this.ready, 0) === 1;
    });
  }

  /**
   * Runs `op` with integer `args` over `chunks` chunks of `total1` rows (and of `total2`), grabbing chunks
   * with the helper; `local` computes a chunk here. Returns false, having done nothing, when the helper cannot
   * take part (not started, this lane not attached yet, or still busy): the caller then computes it whole.
   */
  parallel(op: number, args: readonly number[], chunks: number, total1: number, total2: number, local: LocalChunk): boolean {
    const h = helper;
    if (h === null || Atomics.load(this.ready, 0) !== 1 || this.helperBusy(h)) return false;
    const ctl = h.control, seq = this.post(h, op, args, chunks, total1, total2);
    for (let c = Atomics.add(ctl, NEXT, 1); c < chunks; c = Atomics.add(ctl, NEXT, 1)) {
      const [b1, e1] = chunkBounds(total1, chunks, c), [b2, e2] = chunkBounds(total2, chunks, c);
      local(b1, e1, b2, e2);
    }
    if (Atomics.compareExchange(ctl, STATE, seq, CLOSED) === seq) return true; // every chunk done here
    let spins = 0, since = 0;
    while (Atomics.load(ctl, LEFT) !== seq) {
      if (++spins > SPINS) {
        since ||= performance.now();
        const left = Atomics.load(ctl, LEFT);
        if (left !== seq) Atomics.wait(ctl, LEFT, left, 100);
        spins = 0;
        if (performance.now() - since > HELPER_TIMEOUT_MS) { // gone (it should never be): on without it
          if (helper === h) helper = null;
          ctl[FAILED] = 1;
          break;
        }
      }
    }
    if (ctl[FAILED] !== 0) { // the helper threw (it should not): redo every chunk here, each writes only its rows
      for (let c = 0; c < chunks; c++) {
        const [b1, e1] = chunkBounds(total1, chunks, c), [b2, e2] = chunkBounds(total2, chunks, c);
        local(b1, e1, b2, e2);
      }
    } else {
      this.jobs++;
    }
    return true;
  }

  /** Whether the helper has yet to finish an attach (compute jobs end before `parallel` returns). */
  private helperBusy(h: Helper): boolean {
    if (h.pending && Atomics.load(h.control, LEFT) === h.seq) h.pending = false;
    return h.pending;
  }

  /** Writes a job and wakes the helper; returns its number. */
  private post(h: Helper, op: number, args: readonly number[], chunks: number, total1: number, total2: number): number {
    const ctl = h.control;
    ctl[OP] = op;
    ctl[LANE] = this.lane;
    ctl[CHUNKS] = chunks;
    ctl[TOTAL1] = total1;
    ctl[TOTAL2] = total2;
    ctl[FAILED] = 0;
    for (let i = 0; i < args.length; i++) ctl[ARGS + i] = args[i];
    Atomics.store(ctl, NEXT, 0);
    h.seq = h.seq >= 0x3fffffff ? 1 : h.seq + 1; // positive: STATE's JOINED and CLOSED are negative
    Atomics.store(ctl, STATE, h.seq);
    Atomics.store(ctl, SEQ, h.seq);
    Atomics.notify(ctl, SEQ, 1);
    return h.seq;
  }
}
