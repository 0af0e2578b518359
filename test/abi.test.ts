// The wasm module's contract: no imports, the layout constants the TS memory plan relies on.
import { describe, expect, it } from "vitest";
import { moduleBytes } from "../src/backend/wasm.js";
import { ABI_VERSION, HEADER_WORDS, LAYER_WORDS } from "../src/memoryPlan.js";

describe("wasm module", () => {
  it("imports nothing and exports the kernels and its memory", async () => {
    const module = await WebAssembly.compile(moduleBytes() as BufferSource);
    expect(WebAssembly.Module.imports(module)).toEqual([]);
    const names = WebAssembly.Module.exports(module).map((e) => e.name);
    for (const name of ["memory", "heapBase", "forward", "backward", "inputErrors", "sgdStep", "adamStep", "allFinite", "denseForward", "propagateErrors", "weightGradients"]) {
      expect(names).toContain(name);
    }
  });

  it("has the descriptor layout of src/memoryPlan.ts", async () => {
    const { instance } = await WebAssembly.instantiate(moduleBytes() as BufferSource, {});
    const x = instance.exports as Record<string, WebAssembly.Global>;
    expect(x.ABI_VERSION!.value).toBe(ABI_VERSION);
    expect(x.HEADER_WORDS!.value).toBe(HEADER_WORDS);
    expect(x.LAYER_WORDS!.value).toBe(LAYER_WORDS);
  });
});
