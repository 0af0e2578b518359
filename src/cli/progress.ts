// Training progress: a live bar when stdout is a terminal, one plain line per epoch otherwise (logs,
// pipes, CI). Both show the epoch, the loss, the validation metric, the speed and the time left.
import { SingleBar } from "cli-progress";
import type { EpochLog } from "../index.js";
import { duration, percent, short } from "./format.js";

export interface Progress {
  epoch(log: EpochLog): void;
  stop(): void;
}

/** How the validation (or, without validation, the training) metric reads for this task. */
export type MetricText = (log: EpochLog) => string;

export function classificationMetric(log: EpochLog): string {
  if (log.valAccuracy !== undefined) return `val accuracy ${percent(log.valAccuracy)}`;
  return log.accuracy === undefined ? "" : `accuracy ${percent(log.accuracy)}`;
}

/** Regression: the loss is ½(a − y)² on the standardised target, so RMSE = √(2·loss)·std. */
export function regressionMetric(targetStd: number): MetricText {
  return (log) => (log.valLoss === undefined ? "" : `val RMSE ${short(Math.sqrt(2 * log.valLoss) * targetStd)}`);
}

export function createProgress(epochs: number, metric: MetricText, stream: NodeJS.WriteStream = process.stdout): Progress {
  return stream.isTTY ? barProgress(epochs, metric, stream) : lineProgress(epochs, metric, stream);
}

function barProgress(epochs: number, metric: MetricText, stream: NodeJS.WriteStream): Progress {
  const bar = new SingleBar({
    stream,
    format: "epoch {value}/{total} {bar} loss {loss}  {metric}  {speed} samples/s  ETA {eta_formatted}",
    barsize: 24,
    hideCursor: true,
    etaBuffer: 5,
    barCompleteChar: "█",
    barIncompleteChar: "░",
  });
  bar.start(epochs, 0, { loss: "–", metric: "", speed: "–" });
  return {
    epoch(log) {
      bar.update(log.epoch, { loss: short(log.loss), metric: metric(log), speed: Math.round(log.samplesPerSecond).toLocaleString("en-US") });
    },
    stop() {
      bar.stop();
    },
  };
}

function lineProgress(epochs: number, metric: MetricText, stream: NodeJS.WriteStream): Progress {
  const started = performance.now();
  let done = 0;
  return {
    epoch(log) {
      done++;
      const perEpoch = (performance.now() - started) / 1000 / done;
      const parts = [
        `epoch ${log.epoch}/${epochs}`,
        `loss ${short(log.loss)}`,
        metric(log),
        `${Math.round(log.samplesPerSecond).toLocaleString("en-US")} samples/s`,
        `ETA ${duration(perEpoch * (epochs - done))}`,
      ];
      stream.write(parts.filter((p) => p !== "").join("  ") + "\n");
    },
    stop() {},
  };
}
