// Node 20 has WebAssembly relaxed SIMD behind a flag (Node ≥ 22 and current browsers have it on):
// switch it on, so that every test runs on backend 'wasm-fma' too.
import { setFlagsFromString } from "node:v8";

setFlagsFromString("--experimental-wasm-relaxed-simd");
