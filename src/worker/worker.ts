// The worker side of trainInWorker(): rebuilds the network from its checkpoint, trains with
// fitAsync() (which yields, so a "stop" message is seen between batch groups) and streams the
// epoch logs back. Loaded as a module worker: new Worker(url, { type: "module" }).
import { Network } from "../network.js";
import { WasmlpError } from "../errors.js";
import type { FromWorker, StartMessage, ToWorker } from "./protocol.js";

const scope = globalThis as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};

let controller: AbortController | undefined;

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === "stop") controller?.abort();
  else if (message.type === "start") void train(message);
};

async function train(message: StartMessage): Promise<void> {
  controller = new AbortController();
  try {
    const model = message.model;
    const where = { backend: message.backend, threads: message.threads };
    const { network, optimizer } = model.training?.optimizer
      ? await Network.loadCheckpoint(model, where)
      : { network: await Network.fromJSON(model, where), optimizer: undefined };
    const history = await network.fitAsync(message.inputs, message.targets, {
      ...message.options,
      ...(optimizer && !message.options.optimizer ? { optimizer } : {}),
      signal: controller.signal,
      onEpochEnd: (log) => {
        scope.postMessage({ type: "epoch", log });
        if (message.snapshotEvery > 0 && log.epoch % message.snapshotEvery === 0) {
          const parameters = Float64Array.from(network.toJSON().layers.flatMap((l) => [...l.weights, ...l.biases]));
          scope.postMessage({ type: "snapshot", epoch: log.epoch, parameters }, [parameters.buffer]);
        }
      },
    });
    scope.postMessage({
      type: "done",
      checkpoint: network.toJSON({ optimizer: history.optimizer }),
      epochs: history.epochs,
      stopReason: history.stopReason,
      ...(history.bestEpoch === undefined ? {} : { bestEpoch: history.bestEpoch }),
      backend: network.backendName,
      threads: network.threads,
      ...(network.threadsReason === undefined ? {} : { threadsReason: network.threadsReason }),
    });
    network.dispose(); // its thread team, if it had one
  } catch (e) {
    const error = e as Error;
    scope.postMessage({ type: "error", name: error.name, message: error.message, ...(e instanceof WasmlpError ? { code: e.code } : {}) });
  }
}
