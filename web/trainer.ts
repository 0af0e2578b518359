// Live training on the page: fitAsync() in frame-sized chunks. Each animation frame trains up to
// `epochsPerFrame` epochs (at least one, at most ~12 ms of them), then hands control back for
// drawing, so the page answers input all along (fitAsync itself also yields every 10 ms).
import { Network, type BackendName, type EpochLog, type Loss, type Optimizer, type OptimizerConfig } from "wasmlp";
import { oneHot, type DataSet } from "./datasets";

export type Output = "softmax" | "sigmoid";
export type HiddenActivation = "tanh" | "relu" | "leakyRelu" | "sigmoid" | "identity";

export interface Architecture {
  hidden: number[];
  activation: HiddenActivation;
  /** softmax with cross-entropy, or sigmoid units with squared error. */
  output: Output;
}

export interface TrainSettings {
  optimizer: "adam" | "momentum" | "sgd";
  lr: number;
  batchSize: number;
  /** Epochs per animation frame (Infinity: as many as fit in the frame budget; 0.2: one every 5 frames). */
  epochsPerFrame: number;
}

/** Per-epoch training and test curves. */
export interface Curves {
  epoch: number[];
  loss: number[];
  accuracy: number[];
  valLoss: number[];
  valAccuracy: number[];
}

export const LOSS_OF: Record<Output, Loss> = { softmax: "crossEntropy", sigmoid: "squaredError" };

/** Longest stretch of training per frame, leaving the rest of a 60 Hz frame for drawing and input. */
const FRAME_BUDGET_MS = 12;
/** Epochs behind the samples/s figure. */
const SPEED_WINDOW = 50;

export class Trainer {
  /** The curves since the last reset, one entry per epoch (plain numbers: runs can be long). */
  readonly history: Curves = { epoch: [], loss: [], accuracy: [], valLoss: [], valAccuracy: [] };
  /** The last training error (a DivergenceError, say), shown to the user. */
  error: string | null = null;

  /** The latest epochs' timings, for samples/s. */
  private readonly timings: { backend: BackendName; seconds: number }[] = [];
  private optimizer: Optimizer | undefined;
  private optimizerKey = "";
  private loop: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private readonly targets: Float64Array;
  private readonly testTargets: Float64Array;

  private constructor(
    /** The network that trains. Read it between frames; use `viewNetwork()` for anything else. */
    private net: Network,
    /** A twin for forward/backward on single examples and for predict(): never disturbs training. */
    private probe: Network,
    readonly data: DataSet,
    readonly architecture: Architecture,
    private readonly settings: () => TrainSettings,
    private readonly onFrame: () => void,
    /** Training throughput per backend, samples/s (from the EpochLogs' seconds); shared across resets. */
    readonly speeds: Partial<Record<BackendName, number>>,
  ) {
    this.targets = oneHot(data.train, data.classes);
    this.testTargets = oneHot(data.test, data.classes);
  }

  static async create(data: DataSet, architecture: Architecture, backend: BackendName, seed: number,
    settings: () => TrainSettings, onFrame: () => void, speeds: Partial<Record<BackendName, number>>): Promise<Trainer> {
    const net = await Network.create({
      inputSize: data.features,
      layers: [
        ...architecture.hidden.map((size) => ({ size, activation: architecture.activation })),
        { size: data.classes, activation: architecture.output },
      ],
      loss: LOSS_OF[architecture.output],
      seed,
      backend,
      threads: "auto", // every core, where the page is cross-origin-isolated (vite.config.ts); the same bits as one
    });
    const probe = await Network.fromJSON(net.toJSON(), { backend });
    return new Trainer(net, probe, data, architecture, settings, onFrame, speeds);
  }

  get running(): boolean { return this.loop !== undefined; }
  get backend(): BackendName { return this.net.backendName; }
  /** Threads training runs on, and why not more (see Network.threadsReason). */
  get threads(): { count: number; reason: string | undefined } { return { count: this.net.threads, reason: this.net.threadsReason }; }
  get epoch(): number { return this.net.epochsTrained; }

  /** Starts the frame loop (no-op if it runs). */
  start(): void {
    if (this.loop) return;
    this.error = null;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    this.loop = (async () => {
      try {
        while (!signal.aborted) {
          const frames = Math.max(1, Math.round(1 / this.settings().epochsPerFrame));
          for (let f = 0; f < frames && !signal.aborted; f++) await nextFrame();
          if (signal.aborted) break;
          await this.trainChunk(signal);
          this.onFrame();
        }
      } catch (e) {
        this.error = e instanceof Error ? e.message : String(e);
      } finally {
        this.loop = undefined;
        this.onFrame();
      }
    })();
  }

  /** Stops after the current group of batches; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
  }

  /** Moves the network and its optimizer state to the other backend (through a checkpoint); training goes on. */
  async switchBackend(backend: BackendName): Promise<void> {
    if (backend === this.backend) return;
    const wasRunning = this.running;
    await this.stop();
    const checkpoint = this.optimizer ? this.net.toJSON({ optimizer: this.optimizer }) : this.net.toJSON();
    const moved = this.optimizer
      ? await Network.loadCheckpoint(checkpoint, { backend, threads: "auto" })
      : { network: await Network.fromJSON(checkpoint, { backend, threads: "auto" }), optimizer: undefined };
    const probe = await Network.fromJSON(checkpoint, { backend });
    this.net.dispose();
    this.probe.dispose();
    this.net = moved.network;
    this.probe = probe;
    this.optimizer = moved.optimizer;
    if (wasRunning) this.start();
  }

  /**
   * The probe network holding the current weights, copied layer by layer with setParameters().
   * Safe to call while training runs (between the chunks' batch groups the weights are whole).
   */
  viewNetwork(): Network {
    for (let l = 1; l <= this.net.layers.length; l++) {
      this.probe.setParameters(l, { weights: this.net.weights(l), biases: this.net.biases(l) });
    }
    return this.probe;
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.net.dispose();
    this.probe.dispose();
  }

  private async trainChunk(signal: AbortSignal): Promise<void> {
    const { epochsPerFrame, batchSize } = this.settings();
    const started = performance.now();
    const backend = this.backend;
    const history = await this.net.fitAsync(this.data.train.inputs, this.targets, {
      epochs: Number.isFinite(epochsPerFrame) ? Math.max(1, Math.round(epochsPerFrame)) : Infinity, // Infinity: until the frame is full
      batchSize,
      optimizer: this.currentOptimizer(),
      metrics: ["accuracy"],
      validationData: { inputs: this.data.test.inputs, targets: this.testTargets },
      signal,
      onEpochEnd: (log) => {
        this.record(log, backend);
        // go on while the next epoch (likely as long as this one) still fits in the frame
        return performance.now() - started + 1000 * log.seconds < FRAME_BUDGET_MS;
      },
    });
    this.optimizer = history.optimizer;
    this.measureSpeed(backend);
  }

  /** The optimizer in use, or a fresh configuration when the settings changed (its state starts anew). */
  private currentOptimizer(): Optimizer | OptimizerConfig {
    const { optimizer, lr } = this.settings();
    const key = `${optimizer} ${lr}`;
    if (this.optimizer && key === this.optimizerKey) return this.optimizer;
    this.optimizerKey = key;
    if (optimizer === "adam") return { type: "adam", lr };
    return { type: "sgd", lr, momentum: optimizer === "momentum" ? 0.9 : 0 };
  }

  private record(log: EpochLog, backend: BackendName): void {
    const h = this.history;
    h.epoch.push(log.epoch);
    h.loss.push(log.loss);
    h.accuracy.push(log.accuracy ?? NaN);
    h.valLoss.push(log.valLoss ?? NaN);
    h.valAccuracy.push(log.valAccuracy ?? NaN);
    this.timings.push({ backend, seconds: log.seconds });
    if (this.timings.length > SPEED_WINDOW) this.timings.shift();
  }

  /**
   * Samples/s over the backend's recent epochs: Σ rows / Σ seconds of their EpochLogs (one epoch
   * of a small set takes less than the browser's timer resolution, so single epochs are noisy).
   */
  private measureSpeed(backend: BackendName): void {
    const mine = this.timings.filter((t) => t.backend === backend);
    const seconds = mine.reduce((sum, t) => sum + t.seconds, 0);
    if (seconds > 0) this.speeds[backend] = (mine.length * this.data.train.rows) / seconds;
  }
}

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
