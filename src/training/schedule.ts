// Learning-rate schedules: the rate of (0-based, counted over the network's whole life) epoch E
// from the optimizer's base rate. Applied between epochs.
import { checkKeys, ConfigError, show } from "../errors.js";

export type Schedule =
  | { type: "constant" }
  | { type: "step"; stepSize: number; gamma?: number } //       base·γ^⌊E/stepSize⌋ (γ default 0.1)
  | { type: "exponential"; gamma: number } //                    base·γ^E
  | { type: "cosine"; period: number; minLr?: number } //        min + (base − min)·(1 + cos(π·min(E, period)/period))/2
  | ((epoch: number, baseLr: number) => number);

export function scheduleFunction(schedule: Schedule | undefined): (epoch: number, baseLr: number) => number {
  if (schedule === undefined) return (_, base) => base;
  if (typeof schedule === "function") return schedule;
  const positive = (v: unknown, name: string) => {
    if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) throw new ConfigError(`schedule.${name} must be a positive number, got ${show(v)}`);
    return v;
  };
  const known: Record<string, readonly string[]> = {
    constant: ["type"], step: ["type", "stepSize", "gamma"], exponential: ["type", "gamma"], cosine: ["type", "period", "minLr"],
  };
  if (typeof schedule === "object" && schedule !== null && Object.hasOwn(known, schedule.type)) checkKeys(schedule, known[schedule.type]!, `schedule (${schedule.type})`);
  switch (schedule?.type) {
    case "constant":
      return (_, base) => base;
    case "step": {
      const size = positive(schedule.stepSize, "stepSize"), gamma = positive(schedule.gamma ?? 0.1, "gamma");
      return (e, base) => base * gamma ** Math.floor(e / size);
    }
    case "exponential": {
      const gamma = positive(schedule.gamma, "gamma");
      return (e, base) => base * gamma ** e;
    }
    case "cosine": {
      const period = positive(schedule.period, "period"), minLr = schedule.minLr ?? 0;
      if (typeof minLr !== "number" || !(minLr >= 0)) throw new ConfigError(`schedule.minLr must be a number ≥ 0, got ${show(minLr)}`);
      return (e, base) => minLr + ((base - minLr) * (1 + Math.cos((Math.PI * Math.min(e, period)) / period))) / 2;
    }
    default:
      throw new ConfigError(`schedule.type must be 'constant', 'step', 'exponential' or 'cosine', got ${show((schedule as { type?: unknown })?.type)}`);
  }
}
