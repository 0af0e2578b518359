// The worker_threads entry of trainInWorker() in Node: gives worker.ts the Web Worker globals it
// uses (postMessage, onmessage) on top of parentPort, then loads it.
import { parentPort } from "node:worker_threads";
import { setThreadSpawner } from "../backend/index.js";
import { nodeSpawner } from "./nodeThreads.js";

if (!parentPort) throw new Error("nodeWorkerEntry runs as a worker thread");
const port = parentPort;
const scope = globalThis as unknown as { postMessage: (message: unknown, transfer?: unknown[]) => void; onmessage: ((event: { data: unknown }) => void) | null };
scope.postMessage = (message, transfer) => port.postMessage(message, transfer as never);
setThreadSpawner(nodeSpawner); // a network here may train on threads of its own: worker_threads again
await import("./worker.js"); // sets scope.onmessage
// Messages sent before this listener wait in the port's queue: none is lost while worker.js loads.
port.on("message", (data: unknown) => scope.onmessage?.({ data }));
