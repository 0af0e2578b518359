// Copies of parameters (and optimizer state) inside the backend's memory, in fit()'s scratch
// (memoryPlan.ts planFitScratch): nothing is allocated per epoch.
import type { Engine } from "../engine.js";

/**
 * The parameters, the optimizer state in use and the step count as an epoch began: for the rare
 * step that overflows the parameters themselves, after which the epoch is rolled back.
 */
export class EpochRollback {
  private step = 0;
  private beta1Power = 1;
  private beta2Power = 1;

  /** @param stateWords f64 of optimizer state the update reads (state1 and state2 are contiguous) */
  constructor(private readonly engine: Engine, private readonly at: number, private readonly stateWords: number) {}

  take(): void {
    const { plan, block } = this.engine, m = this.engine.backend.f64(), P = plan.paramCount, s = this.at >>> 3;
    m.copyWithin(s, plan.params >>> 3, (plan.params >>> 3) + P);
    m.copyWithin(s + P, plan.state1 >>> 3, (plan.state1 >>> 3) + this.stateWords);
    this.step = block.step;
    this.beta1Power = block.beta1Power;
    this.beta2Power = block.beta2Power;
  }

  restore(): void {
    const { plan, block } = this.engine, m = this.engine.backend.f64(), P = plan.paramCount, s = this.at >>> 3;
    m.copyWithin(plan.params >>> 3, s, s + P);
    m.copyWithin(plan.state1 >>> 3, s + P, s + P + this.stateWords);
    block.set({ step: this.step, beta1Power: this.beta1Power, beta2Power: this.beta2Power });
  }
}

/** The parameters of the best epoch so far (early stopping's restoreBestWeights). */
export class BestWeights {
  constructor(private readonly engine: Engine, private readonly at: number) {}

  keep(): void {
    const { plan } = this.engine;
    this.engine.backend.f64().copyWithin(this.at >>> 3, plan.params >>> 3, (plan.params >>> 3) + plan.paramCount);
  }

  restore(): void {
    const { plan } = this.engine;
    this.engine.backend.f64().copyWithin(plan.params >>> 3, this.at >>> 3, (this.at >>> 3) + plan.paramCount);
  }
}
