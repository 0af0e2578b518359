// trainInWorker() in Node: the same protocol and the same worker code as in the browser, over
// worker_threads. A worker ends when its training ends (or is stopped, terminated, or fails), so
// it never keeps a finished script's process alive.
import { Worker } from "node:worker_threads";
import type { Network } from "../network.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { trainWith, type TrainingWorker, type TrainInWorkerOptions, type WorkerTraining } from "./trainInWorker.js";

class NodeTrainingWorker implements TrainingWorker {
  onmessage: ((event: { data: FromWorker }) => void) | null = null;
  onerror: ((event: { message?: string }) => void) | null = null;
  private readonly worker: Worker;
  private ended = false;

  constructor() {
    // The parent's Node options, less those a worker refuses (--input-type, set by `node -e` scripts).
    const execArgv = process.execArgv.filter((a) => !a.startsWith("--input-type"));
    this.worker = new Worker(new URL("./nodeWorkerEntry.js", import.meta.url), { execArgv });
    this.worker.on("message", (data: FromWorker) => this.onmessage?.({ data }));
    this.worker.on("error", (error: Error) => this.onerror?.({ message: error.message }));
    this.worker.on("exit", (code) => {
      if (!this.ended) this.onerror?.({ message: `the worker exited with code ${code} before training ended` });
    });
  }

  postMessage(message: ToWorker, transfer?: Transferable[]): void {
    this.worker.postMessage(message, transfer as never);
  }

  terminate(): void {
    this.ended = true;
    void this.worker.terminate();
  }
}

/** Trains `network` on a worker thread; see the browser's trainInWorker. */
export function trainInWorker(network: Network, inputs: Float64Array, targets: Float64Array, options: TrainInWorkerOptions = {}): WorkerTraining {
  return trainWith(() => new NodeTrainingWorker(), network, inputs, targets, options);
}
