// Optimizers: step() is one kernel call over the flat parameter, gradient and state ranges. The
// settings live in the network's training block, where the kernels — and fit()'s in-module loop —
// read them; the update rules are in assembly/optimizer.ts and its twin. Settings are checked by
// optimizerConfig.ts, which the file formats share.
import { OptimizerId } from "./abi.js";
import { engineOf, type Engine } from "./engine.js";
import { ConfigError, NonFiniteError, show } from "./errors.js";
import { checkAdam, checkLr, checkOptimizerConfig, checkSGD, type AdamOptions, type OptimizerChoice, type OptimizerConfig, type SGDOptions } from "./optimizerConfig.js";
import type { TrainingBlock } from "./trainingBlock.js";
// A type only: the optimizer hands back the network it was made for (erased at run time).
import type { Network } from "./network.js";

export type { AdamOptions, OptimizerChoice, OptimizerConfig, SGDOptions } from "./optimizerConfig.js";

type Settings = Parameters<TrainingBlock["set"]>[0];

/** Every Network ever made (Network's constructor registers itself), so an optimizer can tell "not a network" from "disposed". */
const networks = new WeakSet<object>();

/** @internal */
export function registerNetwork(network: object): void {
  networks.add(network);
}

/** Checkpoints without stored β^t replay at most this many steps to rebuild it exactly. */
const REPLAY_LIMIT = 1_000_000;

export abstract class Optimizer {
  abstract readonly type: "sgd" | "adam";
  /** The network whose parameters this optimizer updates. */
  readonly network: Network;
  /** @internal */
  readonly engine: Engine;
  /** The rate the optimizer was created with; learning-rate schedules scale this one. */
  readonly baseLr: number;
  #learningRate: number;
  /** Parameters and state before the last step(), to undo an update that overflowed (allocated once). */
  #undo: Float64Array | undefined;

  protected constructor(net: Network, lr: number, name: string) {
    if (typeof net !== "object" || net === null || !networks.has(net)) {
      throw new ConfigError(`${name}: the first argument must be a Network (from Network.create or a loader), got ${show(net)}`);
    }
    this.network = net;
    this.engine = engineOf(net);
    this.#learningRate = checkLr(lr, `${name} lr`);
    this.baseLr = this.#learningRate;
  }

  /** The learning rate; schedules change it between epochs. */
  get lr(): number {
    return this.#learningRate;
  }
  set lr(value: number) {
    this.#learningRate = checkLr(value, "lr");
    if (this.engine.owns(this)) this.engine.block.lr = value;
  }

  /** Number of steps taken (Adam's t); part of a checkpoint. */
  get stepCount(): number {
    this.engine.checkOwner(this);
    return this.engine.block.step;
  }

  /**
   * Updates every parameter from the current gradients. Refuses (NonFiniteError) when a gradient is
   * NaN or infinite, leaving parameters and state untouched.
   */
  step(): void {
    this.engine.checkOwner(this);
    const { backend, plan, block } = this.engine, { kernels } = backend, P = plan.paramCount;
    if (!kernels.allFinite(plan.grads, P)) {
      throw new NonFiniteError("step(): a gradient is NaN or infinite; parameters were left unchanged (lower the learning rate or normalise the inputs)");
    }
    // A finite gradient can still overflow the update (a huge learning rate): keep what to go back to.
    const m = backend.f64(), undo = (this.#undo ??= new Float64Array(3 * P));
    undo.set(m.subarray(plan.params >>> 3, (plan.params >>> 3) + P), 0);
    undo.set(m.subarray(plan.state1 >>> 3, (plan.state1 >>> 3) + 2 * P), P);
    const { step, beta1Power, beta2Power } = block;
    kernels.optimizerStep(plan.net);
    if (kernels.allFinite(plan.params, P) && kernels.allFinite(plan.state1, 2 * P)) return;
    m.set(undo.subarray(0, P), plan.params >>> 3);
    m.set(undo.subarray(P), plan.state1 >>> 3);
    block.set({ step, beta1Power, beta2Power });
    throw new NonFiniteError(`step(): the update made a parameter infinite (learning rate ${this.#learningRate}); parameters and optimizer state were left unchanged`);
  }

  /** Sets every gradient of the network to zero. */
  zeroGrad(): void {
    this.engine.checkOwner(this);
    this.engine.zero(this.engine.plan.grads, this.engine.plan.paramCount);
  }

  /** The settings as a plain object (what a checkpoint stores). */
  abstract toConfig(): OptimizerConfig;

  /** How many of the state ranges (state1, state2) the update reads: plain SGD none. @internal */
  abstract readonly stateRanges: 0 | 1 | 2;

  /** Adam's β1 and β2, whose powers the training block keeps; null for SGD. */
  protected adamBetas(): [number, number] | null {
    return null;
  }

  /** Takes over the network's optimizer state (zeroed) and writes this optimizer's settings. */
  protected attach(settings: Settings): void {
    this.engine.attach(this);
    this.engine.block.set({ ...settings, lr: this.#learningRate, step: 0, beta1Power: 1, beta2Power: 1 });
  }

  /**
   * Restores a checkpoint's step count, current rate, β^t and state ranges (after attach). Files
   * that predate stored β^t get it rebuilt as the kernels build it (one product per step, so a
   * resumed run continues bit for bit) up to REPLAY_LIMIT steps, and from Math.pow beyond: a file's
   * step count must not cost unbounded time. @internal
   */
  restoreState(step: number, lr: number, state1: Float64Array, state2: Float64Array, betaPowers?: readonly [number, number]): void {
    this.engine.checkOwner(this);
    this.lr = lr;
    const betas = this.adamBetas();
    let [beta1Power, beta2Power] = betaPowers ?? [1, 1];
    if (betas && !betaPowers) {
      if (step <= REPLAY_LIMIT) for (let t = 0; t < step; t++) { beta1Power *= betas[0]; beta2Power *= betas[1]; }
      else [beta1Power, beta2Power] = [betas[0] ** step, betas[1] ** step];
    }
    this.engine.block.set({ step, beta1Power, beta2Power });
    const m = this.engine.backend.f64();
    m.set(state1, this.engine.plan.state1 >>> 3);
    m.set(state2, this.engine.plan.state2 >>> 3);
  }

  /** The step count, Adam's β^t, and both state ranges (copies). @internal */
  saveState(): { step: number; betaPowers?: [number, number]; state1: Float64Array; state2: Float64Array } {
    this.engine.checkOwner(this);
    const { backend, plan, block } = this.engine;
    const m = backend.f64();
    return {
      step: block.step,
      ...(this.adamBetas() ? { betaPowers: [block.beta1Power, block.beta2Power] as [number, number] } : {}),
      state1: m.slice(plan.state1 >>> 3, (plan.state1 >>> 3) + plan.paramCount),
      state2: m.slice(plan.state2 >>> 3, (plan.state2 >>> 3) + plan.paramCount),
    };
  }
}

/** Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay. */
export class SGD extends Optimizer {
  readonly type = "sgd" as const;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(net: Network, options: SGDOptions) {
    const settings = checkSGD(options);
    super(net, settings.lr, "SGD");
    this.momentum = settings.momentum;
    this.nesterov = settings.nesterov;
    this.weightDecay = settings.weightDecay;
    this.attach({ optimizer: OptimizerId.sgd, momentum: this.momentum, nesterov: this.nesterov ? 1 : 0, weightDecay: this.weightDecay });
  }

  get stateRanges(): 0 | 1 {
    return this.momentum > 0 ? 1 : 0;
  }

  toConfig(): OptimizerConfig {
    return { type: "sgd", lr: this.lr, momentum: this.momentum, nesterov: this.nesterov, weightDecay: this.weightDecay };
  }
}

/** Adam with bias correction and L2 (not decoupled) weight decay. */
export class Adam extends Optimizer {
  readonly type = "adam" as const;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;

  constructor(net: Network, options: AdamOptions = {}) {
    const settings = checkAdam(options);
    super(net, settings.lr, "Adam");
    this.beta1 = settings.beta1;
    this.beta2 = settings.beta2;
    this.eps = settings.eps;
    this.weightDecay = settings.weightDecay;
    this.attach({ optimizer: OptimizerId.adam, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay });
  }

  readonly stateRanges = 2;

  protected override adamBetas(): [number, number] {
    return [this.beta1, this.beta2];
  }

  toConfig(): OptimizerConfig {
    return { type: "adam", lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay };
  }
}

/** An optimizer from a plain configuration ({ type: 'sgd' | 'adam', ...settings }) or just its name. */
export function createOptimizer(net: Network, config: OptimizerChoice): Optimizer {
  const checked = checkOptimizerConfig(config);
  return checked.type === "sgd" ? new SGD(net, checked) : new Adam(net, checked);
}
