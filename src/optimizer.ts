// Optimizers: step() is one kernel call over the flat parameter, gradient and state ranges.
// The update rules are in assembly/optimizer.ts (and its twin); this file checks settings and
// keeps the step count.
import { ConfigError, NonFiniteError } from "./errors.js";
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

function setting(value: unknown, name: string, ok: (v: number) => boolean, rule: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || !ok(value)) {
    throw new ConfigError(`${name} must be ${rule}, got ${typeof value === "number" ? value : JSON.stringify(value)}`);
  }
  return value;
}

export abstract class Optimizer {
  protected readonly engine: Engine;
  private steps = 0;

  protected constructor(net: Network) {
    this.engine = engineOf(net);
  }

  /** Number of step() calls so far. */
  get stepCount(): number {
    return this.steps;
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
    this.steps++;
    this.update(this.steps);
  }

  /** Sets every gradient of the network to zero. */
  zeroGrad(): void {
    this.engine.checkOwner(this);
    const { backend, plan } = this.engine;
    backend.f64().fill(0, plan.grads >>> 3, (plan.grads >>> 3) + plan.paramCount);
  }

  protected abstract update(t: number): void;
}

/** Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay. */
export class SGD extends Optimizer {
  readonly lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(net: Network, options: SGDOptions) {
    super(net);
    this.lr = setting(options?.lr, "SGD lr", (v) => v > 0, "a positive number");
    this.momentum = setting(options.momentum ?? 0, "SGD momentum", (v) => v >= 0 && v < 1, "in [0, 1)");
    this.nesterov = options.nesterov ?? false;
    if (typeof this.nesterov !== "boolean") throw new ConfigError(`SGD nesterov must be true or false, got ${JSON.stringify(options.nesterov)}`);
    if (this.nesterov && this.momentum === 0) throw new ConfigError("SGD nesterov needs a momentum above 0");
    this.weightDecay = setting(options.weightDecay ?? 0, "SGD weightDecay", (v) => v >= 0, "a number ≥ 0");
    this.engine.attach(this);
  }

  protected update(): void {
    const { backend, plan } = this.engine;
    backend.kernels.sgdStep(plan.params, plan.grads, plan.state1, plan.paramCount, this.lr, this.momentum, this.nesterov, this.weightDecay);
  }
}

/** Adam with bias correction and L2 (not decoupled) weight decay. */
export class Adam extends Optimizer {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;

  constructor(net: Network, options: AdamOptions = {}) {
    super(net);
    this.lr = setting(options.lr ?? 0.001, "Adam lr", (v) => v > 0, "a positive number");
    this.beta1 = setting(options.beta1 ?? 0.9, "Adam beta1", (v) => v >= 0 && v < 1, "in [0, 1)");
    this.beta2 = setting(options.beta2 ?? 0.999, "Adam beta2", (v) => v >= 0 && v < 1, "in [0, 1)");
    this.eps = setting(options.eps ?? 1e-8, "Adam eps", (v) => v > 0, "a positive number");
    this.weightDecay = setting(options.weightDecay ?? 0, "Adam weightDecay", (v) => v >= 0, "a number ≥ 0");
    this.engine.attach(this);
  }

  protected update(t: number): void {
    const { backend, plan } = this.engine;
    backend.kernels.adamStep(
      plan.params, plan.grads, plan.state1, plan.state2, plan.paramCount,
      this.lr, this.beta1, this.beta2, this.eps, this.weightDecay, 1 - this.beta1 ** t, 1 - this.beta2 ** t,
    );
  }
}
