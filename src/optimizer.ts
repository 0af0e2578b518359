// Optimizers: step() is one kernel call over the flat parameter, gradient and state ranges. The
// settings live in the network's training block (src/memoryPlan.ts), where the kernels — and
// fit()'s in-module loop — read them; the update rules are in assembly/optimizer.ts and its twin.
import { ConfigError, NonFiniteError } from "./errors.js";
import { TrainWord } from "./memoryPlan.js";
import { engineOf, type Engine, type Network } from "./network.js";

export interface SGDOptions {
  lr: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

export type OptimizerConfig = ({ type: "sgd" } & SGDOptions) | ({ type: "adam" } & AdamOptions);

function setting(value: unknown, name: string, ok: (v: number) => boolean, rule: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || !ok(value)) {
    throw new ConfigError(`${name} must be ${rule}, got ${typeof value === "number" ? value : JSON.stringify(value)}`);
  }
  return value;
}

/** SGD settings with defaults filled in; throws a ConfigError naming the bad one. */
export function checkSGD(options: SGDOptions): Required<SGDOptions> {
  if (typeof options !== "object" || options === null) throw new ConfigError("SGD: expected an options object with lr");
  const lr = setting(options.lr, "SGD lr", (v) => v > 0, "a positive number");
  const momentum = setting(options.momentum ?? 0, "SGD momentum", (v) => v >= 0 && v < 1, "in [0, 1)");
  const nesterov = options.nesterov ?? false;
  if (typeof nesterov !== "boolean") throw new ConfigError(`SGD nesterov must be true or false, got ${JSON.stringify(options.nesterov)}`);
  if (nesterov && momentum === 0) throw new ConfigError("SGD nesterov needs a momentum above 0");
  const weightDecay = setting(options.weightDecay ?? 0, "SGD weightDecay", (v) => v >= 0, "a number ≥ 0");
  return { lr, momentum, nesterov, weightDecay };
}

/** Adam settings with defaults filled in; throws a ConfigError naming the bad one. */
export function checkAdam(options: AdamOptions): Required<AdamOptions> {
  if (typeof options !== "object" || options === null) throw new ConfigError("Adam: expected an options object");
  return {
    lr: setting(options.lr ?? 0.001, "Adam lr", (v) => v > 0, "a positive number"),
    beta1: setting(options.beta1 ?? 0.9, "Adam beta1", (v) => v >= 0 && v < 1, "in [0, 1)"),
    beta2: setting(options.beta2 ?? 0.999, "Adam beta2", (v) => v >= 0 && v < 1, "in [0, 1)"),
    eps: setting(options.eps ?? 1e-8, "Adam eps", (v) => v > 0, "a positive number"),
    weightDecay: setting(options.weightDecay ?? 0, "Adam weightDecay", (v) => v >= 0, "a number ≥ 0"),
  };
}

/** A configuration checked as createOptimizer() would, without a network. */
export function checkOptimizerConfig(config: OptimizerConfig): OptimizerConfig {
  if (config?.type === "sgd") return { type: "sgd", ...checkSGD(config) };
  if (config?.type === "adam") return { type: "adam", ...checkAdam(config) };
  throw new ConfigError(`optimizer.type must be 'sgd' or 'adam', got ${JSON.stringify((config as { type?: unknown })?.type)}`);
}

type TrainSettings = Partial<Record<keyof typeof TrainWord, number>>;

export abstract class Optimizer {
  abstract readonly type: "sgd" | "adam";
  /** The network whose parameters this optimizer updates. */
  readonly network: Network;
  protected readonly engine: Engine;
  /** The rate the optimizer was created with; learning-rate schedules scale this one. */
  readonly baseLr: number;
  private learningRate: number;

  protected constructor(net: Network, lr: number, name: string) {
    this.network = net;
    this.engine = engineOf(net);
    this.learningRate = setting(lr, `${name} lr`, (v) => v > 0, "a positive number");
    this.baseLr = this.learningRate;
  }

  /** The learning rate; schedules change it between epochs. */
  get lr(): number {
    return this.learningRate;
  }
  set lr(value: number) {
    this.learningRate = setting(value, "lr", (v) => v > 0, "a positive number");
    if (this.engine.owns(this)) this.write({ lr: value });
  }

  /** Number of steps taken (Adam's t); part of a checkpoint. */
  get stepCount(): number {
    this.engine.checkOwner(this);
    return this.read("step");
  }

  /**
   * Updates every parameter from the current gradients. Refuses (NonFiniteError) when a gradient is
   * NaN or infinite, leaving parameters and state untouched.
   */
  step(): void {
    this.engine.checkOwner(this);
    const { backend, plan } = this.engine;
    if (!backend.kernels.allFinite(plan.grads, plan.paramCount)) {
      throw new NonFiniteError("step(): a gradient is NaN or infinite; parameters were left unchanged (lower the learning rate or normalise the inputs)");
    }
    backend.kernels.optimizerStep(plan.net);
  }

  /** Sets every gradient of the network to zero. */
  zeroGrad(): void {
    this.engine.checkOwner(this);
    const { backend, plan } = this.engine;
    backend.f64().fill(0, plan.grads >>> 3, (plan.grads >>> 3) + plan.paramCount);
  }

  /** The settings as a plain object (what a checkpoint stores). */
  abstract toConfig(): OptimizerConfig;

  /** How many of the state ranges (state1, state2) the update reads: plain SGD none. @internal */
  abstract readonly stateRanges: 0 | 1 | 2;

  /** Takes over the network's optimizer state (zeroed) and writes this optimizer's settings. */
  protected attach(settings: TrainSettings): void {
    this.engine.attach(this);
    this.write({ ...settings, lr: this.learningRate, step: 0, beta1Power: 1, beta2Power: 1 });
  }

  /** Restores a checkpoint's step count, current rate and state ranges (after attach). @internal */
  restoreState(step: number, lr: number, state1: Float64Array, state2: Float64Array): void {
    this.engine.checkOwner(this);
    this.lr = lr;
    // β^t as the kernels build it, one product per step, so a resumed run continues bit for bit
    let beta1Power = 1, beta2Power = 1;
    if (this instanceof Adam) for (let t = 0; t < step; t++) { beta1Power *= this.beta1; beta2Power *= this.beta2; }
    this.write({ step, beta1Power, beta2Power });
    const m = this.engine.backend.f64();
    m.set(state1, this.engine.plan.state1 >>> 3);
    m.set(state2, this.engine.plan.state2 >>> 3);
  }

  /** The step count and both state ranges (copies). @internal */
  saveState(): { step: number; state1: Float64Array; state2: Float64Array } {
    this.engine.checkOwner(this);
    const { backend, plan } = this.engine;
    const m = backend.f64();
    return {
      step: this.read("step"),
      state1: m.slice(plan.state1 >>> 3, (plan.state1 >>> 3) + plan.paramCount),
      state2: m.slice(plan.state2 >>> 3, (plan.state2 >>> 3) + plan.paramCount),
    };
  }

  private write(settings: TrainSettings): void {
    const m = this.engine.backend.f64(), at = this.engine.plan.train >>> 3;
    for (const [key, value] of Object.entries(settings)) m[at + TrainWord[key as keyof typeof TrainWord]] = value;
  }

  private read(key: keyof typeof TrainWord): number {
    return this.engine.backend.f64()[(this.engine.plan.train >>> 3) + TrainWord[key]]!;
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
    this.attach({ optimizer: 0, momentum: this.momentum, nesterov: this.nesterov ? 1 : 0, weightDecay: this.weightDecay });
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
    this.attach({ optimizer: 1, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay });
  }

  readonly stateRanges = 2;

  toConfig(): OptimizerConfig {
    return { type: "adam", lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay };
  }
}

/** An optimizer from a plain configuration ({ type: 'sgd' | 'adam', ...settings }). */
export function createOptimizer(net: Network, config: OptimizerConfig): Optimizer {
  const checked = checkOptimizerConfig(config);
  return checked.type === "sgd" ? new SGD(net, checked) : new Adam(net, checked);
}
