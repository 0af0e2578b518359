// The whole wasm ABI on one screen: the core kernels (core.ts, which is also the whole embed
// build) and brainTrain, brain.js's per-sample arithmetic for the wasmlp/brain drop-in — left out
// of the embed build, whose size budget is for hosts that embed the core trainer.
export * from "./core";
export { brainTrain } from "./brain";
