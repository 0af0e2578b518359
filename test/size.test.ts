// The size budget of the embeddable module (docs/abi.md): build/wasmlp-embed.wasm ≤ 16 KB raw and
// ≤ 7 KB after gzip -9 (1 KB = 1000 bytes). Prints the sizes of all four builds.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const BUDGET = { raw: 16_000, gzip: 7_000 };

function sizes(file: string): { raw: number; gzip: number } {
  const bytes = readFileSync(ROOT + file);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

describe("module size", () => {
  it(`embed build within ${BUDGET.raw} bytes raw and ${BUDGET.gzip} bytes gzipped`, () => {
    const report = ["build/wasmlp.wasm", "build/wasmlp-embed.wasm", "build/wasmlp-portable.wasm", "build/wasmlp-fma.wasm"].map((file) => ({ file, ...sizes(file) }));
    console.log(
      "module sizes (bytes, gzip -9):\n" +
        report.map((r) => `  ${r.file.padEnd(28)} ${String(r.raw).padStart(6)} raw  ${String(r.gzip).padStart(5)} gzip`).join("\n") +
        `\n  budget for the embed build:   ${BUDGET.raw} raw  ${BUDGET.gzip} gzip`,
    );
    const embed = report[1]!;
    expect(embed.raw).toBeLessThanOrEqual(BUDGET.raw);
    expect(embed.gzip).toBeLessThanOrEqual(BUDGET.gzip);
  });
});
