// The core of the wasm ABI (index.ts adds brainTrain). Every pointer is a byte offset into this module's own memory;
// the host lays out the arrays (see layout.ts and docs of src/memoryPlan.ts) from heapBase() up.
// docs/abi.md documents every export for other hosts. Every SIMD kernel has a scalar branch
// (`if (ASC_FEATURE_SIMD) … else …`), compiled into the portable build (asconfig.json "portable").
export { forward, backward, backpropagate, layerGradients, inputErrors } from "./network";
export { denseForward, softmaxRows } from "./forward";
export { outputErrors } from "./loss";
export { hiddenDeltas, propagateErrors } from "./nodeError";
export { weightGradients, STORE, ACCUMULATE, APPLY_SGD } from "./gradient";
export { sgdStep, adamStep, allFinite } from "./optimizer";
export { trainBatches, evaluateRows, optimizerStep } from "./train";
export { ABI_VERSION, HEADER_WORDS, LAYER_WORDS, TRAIN_WORDS } from "./layout";

// First byte the host may use: everything below belongs to the module's static data.
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}
