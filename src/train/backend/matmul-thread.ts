/**
 * A second thread for the WebAssembly kernels (matmul-wasm.ts): the big matrix products of a training step
 * split by rows between the calling thread and one helper thread, which runs its own instance of the module
 * over the same shared memory (with a stack of its own). Each element is summed in the same order whichever
 * thread computes its row (matmul.c's matmul_rows), so results are bit for bit those of one thread.
 *
 * One helper thread serves the process (started on first use, never keeping it alive); each WasmMatmul is a
 * lane of it. The helper is only an accelerator: until it has started and instantiated a lane, or if it
 * ever fails, the calling thread computes everything itself. Jobs go through a few integers of a
 * SharedArrayBuffer, not messages: the helper spins briefly on the job counter and then sleeps in
 * Atomics.wait, so a step's ten or so products cost microseconds to hand over, not a message round trip.
 */

/** Operations the helper runs: the exports of matmul.c / dense.c with a row range. */
export const OP_MATMUL_ROWS = 1, OP_DENSE_FORWARD_ROWS = 2, OP_DENSE_BACKWARD_PRODUCTS = 3;
const OP_ATTACH = 4;

/** Int32 slots of the control block. */
const SEQ = 0, DONE = 1, OP = 2, LANE = 3, FAILED = 4, ARGS = 5, MAX_ARGS = 16;
/** Spins of the waiting side before it sleeps (a few tens of microseconds). */
const SPINS = 1 << 15;

/** The helper's code: plain JavaScript, run with `eval` so it needs no file of its own or a loader. */
const HELPER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { control, port } = workerData;
const ctl = new Int32Array(control);
const lanes = new Map();
let seen = 0;
for (;;) {
  let spins = 0;
  while (Atomics.load(ctl, ${SEQ}) === seen) {
    if (++spins > ${SPINS}) { Atomics.wait(ctl, ${SEQ}, seen); spins = 0; }
  }
  seen = Atomics.load(ctl, ${SEQ});
  const op = ctl[${OP}], a = ${ARGS};
  let failed = 0;
  try {
    if (op === ${OP_ATTACH}) {
      for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
        const { lane, memory, module, stackTop, ready } = m.message;
        if (memory === null) { lanes.delete(lane); continue; }
        const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
        exports.__stack_pointer.value = stackTop;
        lanes.set(lane, exports);
        Atomics.store(new Int32Array(ready), 0, 1);
      }
    } else {
      const ex = lanes.get(ctl[${LANE}]);
      if (op === ${OP_MATMUL_ROWS}) ex.matmul_rows(ctl[a], ctl[a + 1], ctl[a + 2], ctl[a + 3], ctl[a + 4], ctl[a + 5], ctl[a + 6], ctl[a + 7], ctl[a + 8], ctl[a + 9], ctl[a + 10], ctl[a + 11], ctl[a + 12]);
      else if (op === ${OP_DENSE_FORWARD_ROWS}) ex.dense_forward_rows(ctl[a], ctl[a + 1], ctl[a + 2], ctl[a + 3], ctl[a + 4], ctl[a + 5], ctl[a + 6], ctl[a + 7], ctl[a + 8], ctl[a + 9], ctl[a + 10], ctl[a + 11]);
      else if (op === ${OP_DENSE_BACKWARD_PRODUCTS}) ex.dense_backward_products(ctl[a], ctl[a + 1], ctl[a + 2], ctl[a + 3], ctl[a + 4], ctl[a + 5], ctl[a + 6], ctl[a + 7], ctl[a + 8], ctl[a + 9], ctl[a + 10], ctl[a + 11], ctl[a + 12], ctl[a + 13], ctl[a + 14]);
      else failed = 1;
    }
  } catch {
    failed = 1;
  }
  ctl[${FAILED}] = failed;
  Atomics.store(ctl, ${DONE}, seen);
  Atomics.notify(ctl, ${DONE});
}
`;

interface Helper {
  control: Int32Array;
  post(message: unknown): void;
  /** The last job number handed out (the helper is idle when DONE equals it). */
  seq: number;
}

let helper: Helper | null = null;
let starting: Promise<Helper | null> | null = null;
let nextLane = 1;

/** Starts the process's helper thread once (null where worker threads, shared memory or a second core are missing). */
function startHelper(): Promise<Helper | null> {
  starting ??= (async () => {
    try {
      if (typeof SharedArrayBuffer !== 'function' || typeof Atomics?.wait !== 'function') return null;
      const [{ Worker, MessageChannel }, os] = await Promise.all([import('node:worker_threads'), import('node:os')]);
      if (os.availableParallelism() < 2) return null;
      const control = new Int32Array(new SharedArrayBuffer(4 * (ARGS + MAX_ARGS)));
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { control: control.buffer, port: port2 }, transferList: [port2] });
      worker.unref();
      port1.unref();
      const started: Helper = { control, post: (message) => port1.postMessage(message), seq: 0 };
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

/** One WasmMatmul's use of the helper thread: its own module instance there, over the WasmMatmul's memory. */
export class HelperLane {
  private readonly lane = nextLane++;
  private readonly ready = new Int32Array(new SharedArrayBuffer(4));
  /** Jobs the helper has completed for this lane. */
  jobs = 0;
  /** Resolves once the helper has instantiated this lane (false when there is no helper). */
  readonly whenReady: Promise<boolean>;

  /** `owner` is the WasmMatmul (the lane ends when it is collected); `stackTop` the byte address of the top of the helper's stack there. */
  constructor(owner: object, memory: WebAssembly.Memory, module: WebAssembly.Module, stackTop: number) {
    finalizer?.register(owner, this.lane);
    this.whenReady = startHelper().then(async (h) => {
      if (h === null) return false;
      h.post({ lane: this.lane, memory, module, stackTop, ready: this.ready.buffer });
      // The helper reads its messages when told to attach (once it has started, and is not busy attaching
      // another lane). Polled with a timer, which also keeps the process alive meanwhile.
      let attached = false;
      for (let attempt = 0; attempt < 2000 && Atomics.load(this.ready, 0) !== 1; attempt++) {
        if (!attached) attached = this.dispatch(h, OP_ATTACH, []);
        else if (Atomics.load(h.control, DONE) === h.seq && Atomics.load(this.ready, 0) !== 1) attached = false; // drained before our message came
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return Atomics.load(this.ready, 0) === 1;
    });
  }

  /**
   * Hands `op` with integer `args` to the helper when it is ready and idle; returns whether it took it (then
   * call `finish` before the next job), else the caller computes that part itself.
   */
  start(op: number, args: readonly number[]): boolean {
    const h = helper;
    if (h === null || Atomics.load(this.ready, 0) !== 1) return false;
    return this.dispatch(h, op, args);
  }

  /** Waits for the job `start` handed over; false when the helper failed it (the caller then computes that part). */
  finish(): boolean {
    const h = helper;
    if (h === null) return false;
    const ctl = h.control, seq = h.seq;
    let spins = 0;
    while (Atomics.load(ctl, DONE) !== seq) {
      if (++spins > SPINS) {
        const value = Atomics.load(ctl, DONE);
        if (value !== seq && Atomics.wait(ctl, DONE, value, 5_000) === 'timed-out') return false;
        spins = 0;
      }
    }
    if (ctl[FAILED] !== 0) return false;
    this.jobs++;
    return true;
  }

  private dispatch(h: Helper, op: number, args: readonly number[]): boolean {
    const ctl = h.control;
    if (Atomics.load(ctl, DONE) !== h.seq) return false;
    ctl[OP] = op;
    ctl[LANE] = this.lane;
    for (let i = 0; i < args.length; i++) ctl[ARGS + i] = args[i];
    h.seq = (h.seq + 1) | 0;
    Atomics.store(ctl, SEQ, h.seq);
    Atomics.notify(ctl, SEQ, 1);
    return true;
  }
}
