import { readFileSync } from "node:fs";
const { instance } = await WebAssembly.instantiate(readFileSync("build/wasmlp-embed.wasm"), {});
const m = instance.exports, o = m.heapBase(); // the plan starts at heapBase(); offsets as in docs/abi.md
const at = { net: o, train: o + 112, W: o + 304, b: o + 320, dW: o + 336, db: o + 352, s1: o + 368, s2: o + 400,
  X: o + 432, Y: o + 496, loss: o + 528, E0: o + 560, Z: o + 624, A: o + 656, E: o + 688, D: o + 720 };
const i32 = new Int32Array(m.memory.buffer), f64 = new Float64Array(m.memory.buffer); // re-create after memory.grow
// header: 1 layer, 2 inputs, loss 0 (squaredError), X, Y, sampleLoss, E⁰, train, params, paramCount 3, grads, state1, state2
i32.set([1, 2, 0, at.X, at.Y, at.loss, at.E0, at.train, at.W, 3, at.dW, at.s1, at.s2], at.net / 4);
i32.set([2, 1, 1, at.W, at.b, at.dW, at.db, at.Z, at.A, at.E, at.D], at.net / 4 + 16); // layer: 2 → 1, sigmoid
f64[at.train / 8 + 1] = 2; // T_LR; T_OPTIMIZER 0 = sgd (Adam also needs T_BETA1_POWER = T_BETA2_POWER = 1)
f64.set([0, 0, 0, 1, 1, 0, 1, 1], at.X / 8); f64.set([0, 1, 1, 1], at.Y / 8); // OR
for (let step = 0; step < 1000; step++) { m.forward(at.net, 4); m.backward(at.net, 4, 0); m.optimizerStep(at.net); }
m.forward(at.net, 4);
console.log(f64.subarray(at.A / 8, at.A / 8 + 4)); // ≈ [0.08, 0.95, 0.95, 1.00]
