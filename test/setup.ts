// Node 20 has WebAssembly relaxed SIMD behind a flag (Node ≥ 22 and current browsers have it on):
// switch it on, so that every test runs on backend 'wasm-fma' too.
import { enableRelaxedSimd } from "../src/node.js";

if (!enableRelaxedSimd()) throw new Error("relaxed SIMD did not switch on: backend 'wasm-fma' cannot be tested");
