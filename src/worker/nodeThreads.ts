// Training threads in Node (threads option): worker_threads running the same worker program as a
// browser's Web Workers (backend/team.ts threadMain). Once a worker has joined it is unref()'d, so a
// script that has finished exits whether or not its networks were disposed (until then it is
// kept, or a top-level `await Network.create(…)` would see the process end under it).
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ThreadMessage, ThreadSpawner } from "../backend/index.js";

export const nodeSpawner: ThreadSpawner = {
  platform: "node",
  unavailable() {
    return typeof SharedArrayBuffer === "undefined" ? "this Node has no SharedArrayBuffer" : undefined;
  },
  hardwareThreads() {
    return availableParallelism();
  },
  spawn(source, start) {
    const worker = new Worker(source, { eval: true, workerData: start });
    let listener: (message: ThreadMessage) => void = () => {};
    let ended = false;
    worker.on("message", (message: ThreadMessage) => {
      if (message.type === "ready") worker.unref(); // after every listener is attached: attaching one refs it again
      listener(message);
    });
    worker.on("error", (error) => listener({ type: "failed", message: `${error.name}: ${error.message}` }));
    worker.on("exit", (code) => { if (!ended) listener({ type: "failed", message: `the worker exited (code ${code})` }); });
    return {
      onMessage(l) { listener = l; },
      terminate() {
        ended = true;
        void worker.terminate();
      },
    };
  },
};
