// A team of threads for one network (assembly/team.ts is the other half): the host's thread is
// thread 0 and runs its own instance; each worker runs an instance of the same threads build over
// the same shared memory. A job is a few words in the team block and one bump of its generation
// word; inside the job the threads meet at barriers in shared memory, never through messages.
// Workers are made by a ThreadSpawner: Web Workers from a Blob by default, worker_threads in Node
// (src/node.ts registers that one), so neither the browser build nor users ever configure a path.

/** Words of the team block (i32); assembly/team.ts has the same table (test/threads.test.ts compares them). */
export const TeamWord = {
  generation: 0, kind: 1, threads: 2, arrived: 3, release: 4, sleepers: 5, failed: 6, minWork: 7, result: 8, args: 9, left: 16,
} as const;
/** The words, then (from byte 128) a failed thread's message: an i32 byte length and UTF-8 text. */
export const TEAM_BYTES = 512;
const MESSAGE_AT = 128;
/** How long the host waits, after a failure, for the other workers to leave the job. */
const LEAVE_TIMEOUT_MS = 2000;
const MESSAGE_BYTES = TEAM_BYTES - MESSAGE_AT - 4;
export const JobKind = { train: 1, evaluate: 2, forward: 3, exit: 4 } as const;

/** What a worker needs to join: sent once, when it starts. */
export interface ThreadStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  index: number;
  /** Byte offsets of the team block and of this thread's scratch region. */
  team: number;
  /** Where in the team block a failing thread writes its message, and at most how many bytes. */
  message: { at: number; bytes: number };
  scratch: number;
  words: typeof TeamWord;
  exitKind: number;
}

/** Messages a worker posts to its host. */
export type ThreadMessage = { type: "ready" } | { type: "failed"; message: string };

/** One started worker, however the platform makes it. */
export interface ThreadHandle {
  /** Called with each message the worker posts, and with a "failed" message if it dies. */
  onMessage(listener: (message: ThreadMessage) => void): void;
  /** Ends it at once. */
  terminate(): void;
}

export interface ThreadSpawner {
  /** Which worker script it runs (threadSource): a Web Worker's or a worker_threads one's. */
  readonly platform: "web" | "node";
  /** Why threads cannot run here, or undefined when they can. */
  unavailable(): string | undefined;
  /** Hardware threads of this machine (for threads: "auto"). */
  hardwareThreads(): number;
  /** Starts a worker running `source` (a script that calls threadMain) with `start`. */
  spawn(source: string, start: ThreadStart): ThreadHandle;
}

/**
 * A worker's whole program. It is sent as source text (Function.prototype.toString), so it must
 * use nothing from outside itself: its start message carries the module, memory and word table.
 */
export function threadMain(start: ThreadStart, post: (message: ThreadMessage) => void): void {
  const { module, memory, index, team, scratch, words: W, exitKind, message: M } = start;
  let run: () => number;
  const words = new Int32Array(memory.buffer, team, 16);
  const fail = (error: unknown) => {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    // The first thread to fail leaves its message where the host's thread reads it at once: the
    // message is written (its length claimed as −1 meanwhile) before `failed` is set.
    const length = new Int32Array(memory.buffer, team + M.at, 1);
    if (Atomics.compareExchange(length, 0, 0, -1) === 0) {
      const bytes = new TextEncoder().encode(text).slice(0, M.bytes);
      new Uint8Array(memory.buffer, team + M.at + 4, bytes.length).set(bytes);
      Atomics.store(length, 0, bytes.length);
    }
    Atomics.compareExchange(words, W.failed, 0, index);
    Atomics.notify(words, W.release);
    post({ type: "failed", message: text });
  };
  try {
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const x = instance.exports as unknown as { joinTeam(team: number, index: number, canBlock: number): void; useScratch(at: number): void; runJob(): number };
    x.joinTeam(team, index, 1);
    x.useScratch(scratch);
    run = () => x.runJob();
  } catch (error) {
    fail(error);
    return;
  }
  let seen = Atomics.load(words, W.generation);
  post({ type: "ready" });
  const loop = async (): Promise<void> => {
    for (;;) {
      if (Atomics.load(words, W.generation) === seen) {
        // Idle: wait without blocking the worker's event loop where the platform allows it.
        const waitAsync = (Atomics as unknown as { waitAsync?: (a: Int32Array, i: number, v: number) => { async: boolean; value: Promise<string> | string } }).waitAsync;
        if (waitAsync) {
          const waiting = waitAsync(words, W.generation, seen);
          if (waiting.async) await waiting.value;
        } else {
          Atomics.wait(words, W.generation, seen);
        }
        continue;
      }
      seen = Atomics.load(words, W.generation);
      if (Atomics.load(words, W.kind) === exitKind) return;
      run();
    }
  };
  loop().catch(fail);
}

/** The worker script: threadMain plus the few lines that connect it to the platform's messaging. */
export function threadSource(platform: "web" | "node"): string {
  const main = `const threadMain = ${threadMain.toString()};\n`;
  if (platform === "node") {
    // The message listener keeps the worker's event loop alive while it idles in Atomics.waitAsync.
    return main + `const { parentPort, workerData } = require("node:worker_threads");\nparentPort.on("message", () => {});\nthreadMain(workerData, (m) => parentPort.postMessage(m));\n`;
  }
  return main + `self.onmessage = (e) => { self.onmessage = null; threadMain(e.data, (m) => self.postMessage(m)); };\n`;
}

/** Web Workers from a Blob URL: needs SharedArrayBuffer, so a cross-origin-isolated page. */
export const webSpawner: ThreadSpawner = {
  platform: "web",
  unavailable() {
    if (typeof Worker === "undefined") return "this runtime has no Web Workers";
    if (typeof SharedArrayBuffer === "undefined" || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) {
      return "shared memory needs a cross-origin-isolated page: serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp";
    }
    return undefined;
  },
  hardwareThreads() {
    return typeof navigator !== "undefined" && navigator.hardwareConcurrency > 0 ? navigator.hardwareConcurrency : 1;
  },
  spawn(source, start) {
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    const worker = new Worker(url);
    URL.revokeObjectURL(url);
    let listener: (message: ThreadMessage) => void = () => {};
    worker.onmessage = (event: MessageEvent<ThreadMessage>) => listener(event.data);
    worker.onerror = (event: ErrorEvent) => listener({ type: "failed", message: event.message || "the worker failed to start" });
    worker.postMessage(start);
    return {
      onMessage(l) { listener = l; },
      terminate() { worker.terminate(); },
    };
  },
};

let spawner: ThreadSpawner = webSpawner;

/** Replaces how workers are made (src/node.ts installs worker_threads). */
export function setThreadSpawner(next: ThreadSpawner): void {
  spawner = next;
}

export function threadSpawner(): ThreadSpawner {
  return spawner;
}

/** Whether this thread may block in Atomics.wait (a browser's main thread may not: it spins). */
export function mayBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** The exports a team adds to the kernels (assembly/threaded.ts). */
export interface TeamExports {
  joinTeam(team: number, index: number, canBlock: number): void;
  useScratch(at: number): void;
  runJob(): number;
}

/** How long a worker may take to start and join before the team goes on without it. */
const JOIN_TIMEOUT_MS = 30_000;

/** Per-thread multiply-adds below which a layer is not split: about the cost of a few barriers. */
export const DEFAULT_MIN_WORK = 16384;

/**
 * The host's side of a team: starts the workers, runs jobs as thread 0, and on any failure ends
 * the workers and carries on alone (the results are the same bits on one thread).
 */
export class Team {
  /** Threads taking part in jobs (1 once the team has failed or been disposed). */
  size: number;
  /** Why fewer threads run than were asked for. */
  reason: string | undefined;
  minWork = DEFAULT_MIN_WORK;
  private readonly words: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly handles: ThreadHandle[] = [];
  private failure: string | undefined;

  private readonly canBlock = mayBlock() ? 1 : 0;

  private constructor(memory: WebAssembly.Memory, private readonly exports: TeamExports, private readonly at: number, size: number) {
    this.words = new Int32Array(memory.buffer, at, TEAM_BYTES / 4);
    this.bytes = new Uint8Array(memory.buffer, at, TEAM_BYTES);
    this.size = size;
  }

  /**
   * Starts `size − 1` workers and waits until every one has joined. `scratch(i)` is thread i's
   * scratch region. If a worker cannot start, the team runs with the threads that did not fail
   * before it — or alone — and `reason` says why.
   */
  static async start(
    module: WebAssembly.Module, memory: WebAssembly.Memory, exports: TeamExports, at: number,
    size: number, scratch: (thread: number) => number,
  ): Promise<Team> {
    const team = new Team(memory, exports, at, 1);
    exports.joinTeam(at, 0, team.canBlock);
    if (size <= 1) return team;
    const source = threadSource(spawner.platform);
    const joined = await Promise.all(Array.from({ length: size - 1 }, (_, k) => new Promise<string | undefined>((resolve) => {
      const index = k + 1;
      let handle: ThreadHandle;
      try {
        handle = spawner.spawn(source, { module, memory, index, team: at, scratch: scratch(index), words: TeamWord, exitKind: JobKind.exit, message: { at: MESSAGE_AT, bytes: MESSAGE_BYTES } });
      } catch (error) {
        resolve(`thread ${index} could not start: ${(error as Error).message}`);
        return;
      }
      team.handles.push(handle);
      const timer = setTimeout(() => resolve(`thread ${index} did not start within ${JOIN_TIMEOUT_MS / 1000} s`), JOIN_TIMEOUT_MS);
      handle.onMessage((message) => {
        clearTimeout(timer);
        if (message.type === "ready") resolve(undefined);
        else {
          const text = `thread ${index} failed: ${message.message}`;
          team.failure ??= text;
          // Between jobs (the only time this runs on the host's thread): the next job sees it at
          // its first barrier instead of waiting for a thread that is gone.
          if (team.handles.length > 0) Atomics.store(team.words, TeamWord.failed, index);
          resolve(text);
        }
      });
    })));
    const problem = joined.find((p) => p !== undefined);
    if (problem) {
      team.end(problem);
      return team;
    }
    team.size = size;
    return team;
  }

  /** Runs a job on every thread; returns thread 0's result. Throws if a thread fails (the team then runs alone). */
  run(kind: number, args: readonly number[], work: number): number {
    const w = this.words;
    if (this.size > 1 && Atomics.load(w, TeamWord.failed) !== 0) { // a thread died while idle: nothing has run
      const why = this.failure ?? `thread ${Atomics.load(w, TeamWord.failed)} failed`;
      this.end(why);
      throw new TeamFailure(`${why}; nothing was run, and the network now runs on one thread`);
    }
    const threads = this.size > 1 && work >= 2 * this.minWork ? this.size : 1;
    Atomics.store(w, TeamWord.kind, kind);
    for (let i = 0; i < args.length; i++) Atomics.store(w, TeamWord.args + i, args[i]!);
    Atomics.store(w, TeamWord.threads, threads);
    Atomics.store(w, TeamWord.minWork, this.minWork);
    Atomics.store(w, TeamWord.left, 0);
    if (threads > 1) {
      Atomics.add(w, TeamWord.generation, 1);
      Atomics.notify(w, TeamWord.generation);
    }
    let result: number;
    try {
      result = this.exports.runJob();
    } catch (error) {
      Atomics.store(w, TeamWord.failed, -1);
      Atomics.notify(w, TeamWord.release);
      if (threads > 1) this.awaitLeaving(threads - 1);
      // The trap skipped the job's end: out of the job again, or direct kernel calls would still
      // count on the team (and wait at barriers for threads that are gone).
      this.exports.joinTeam(this.at, 0, this.canBlock);
      this.end(`thread 0 failed: ${(error as Error).message}`);
      throw error;
    }
    if (threads > 1 && Atomics.load(w, TeamWord.failed) !== 0) {
      const failed = Atomics.load(w, TeamWord.failed);
      // Healthy workers may still be finishing their share of a kernel: let them leave before the
      // caller puts the last good weights back (a failed worker never leaves; it is not waited for).
      this.awaitLeaving(threads - 1 - (failed > 0 ? 1 : 0));
      const length = Atomics.load(w, MESSAGE_AT / 4);
      // (TextDecoder refuses views of shared memory: copy first)
      const text = length > 0 ? new TextDecoder().decode(this.bytes.slice(MESSAGE_AT + 4, MESSAGE_AT + 4 + length)) : undefined;
      const why = this.failure ?? (text ? `thread ${failed} failed: ${text}` : `thread ${failed} failed`);
      this.end(why);
      throw new TeamFailure(`${why}; the network now runs on one thread`);
    }
    return result;
  }

  /** Spins (bounded) until `count` workers have left the current job. */
  private awaitLeaving(count: number): void {
    const deadline = performance.now() + LEAVE_TIMEOUT_MS;
    while (Atomics.load(this.words, TeamWord.left) < count && performance.now() < deadline) { /* spin: they are a kernel away */ }
  }

  /** Ends the workers; the team runs alone from now on. */
  end(reason?: string): void {
    if (this.handles.length > 0 && Atomics.load(this.words, TeamWord.failed) === 0) {
      // Idle workers leave their loop; then they are ended in any case.
      Atomics.store(this.words, TeamWord.kind, JobKind.exit);
      Atomics.add(this.words, TeamWord.generation, 1);
      Atomics.notify(this.words, TeamWord.generation);
    }
    for (const h of this.handles.splice(0)) h.terminate();
    if (reason) this.reason = reason;
    this.size = 1;
    // A fresh block for the lone thread: barriers are never reached with one thread, but a
    // failed team's words must not look like a live one's.
    Atomics.store(this.words, TeamWord.arrived, 0);
    Atomics.store(this.words, TeamWord.failed, 0);
    Atomics.store(this.words, MESSAGE_AT / 4, 0);
  }
}

/** A thread of the team failed during a job (the backend turns it into a WorkerError). */
export class TeamFailure extends Error {}
