// The README's example is examples/two-step.mjs, and it runs as written against the built package.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../", import.meta.url);

describe("README example", () => {
  it("is the file examples/two-step.mjs", () => {
    const readme = readFileSync(new URL("README.md", root), "utf8");
    const example = readFileSync(new URL("examples/two-step.mjs", root), "utf8");
    expect(readme).toContain("```js\n" + example + "```");
  });

  it("runs, prints node errors of both layers and a falling loss", () => {
    const out = execFileSync(process.execPath, ["examples/two-step.mjs"], { cwd: root, encoding: "utf8" });
    const losses = [...out.matchAll(/loss (\d+\.\d+)/g)].map((m) => Number(m[1]));
    expect(losses).toHaveLength(3);
    expect(losses[2]).toBeLessThan(losses[0]!);
    expect(out.match(/output node errors e² = a − y: +(-?\d\.\d{4} ?){2}\n/g)).toHaveLength(3);
    expect(out.match(/hidden node errors e¹ = .*: (-?\d\.\d{4} ?){4}\n/g)).toHaveLength(3);
  });
});

describe("README fit example", () => {
  it("is the file examples/fit.mjs", () => {
    const readme = readFileSync(new URL("README.md", root), "utf8");
    expect(readme).toContain("```js\n" + readFileSync(new URL("examples/fit.mjs", root), "utf8") + "```");
  });

  it("runs, prints progress and separates the spirals", () => {
    const out = execFileSync(process.execPath, ["examples/fit.mjs"], { cwd: root, encoding: "utf8" });
    expect(out).toMatch(/^epoch 50 {2}loss \d\.\d{4} {2}accuracy [\d.]+ % {2}validation [\d.]+ % {2}\d+ samples\/s$/m);
    const accuracy = Number(out.match(/validation accuracy: ([\d.]+) %/)![1]);
    expect(accuracy).toBeGreaterThanOrEqual(95);
  });
});

describe("README embedding example", () => {
  it("is the file examples/embed.mjs, and its OR unit learns OR through the raw ABI", () => {
    const readme = readFileSync(new URL("README.md", root), "utf8");
    expect(readme).toContain("```js\n" + readFileSync(new URL("examples/embed.mjs", root), "utf8") + "```");
    const out = execFileSync(process.execPath, ["examples/embed.mjs"], { cwd: root, encoding: "utf8" });
    const outputs = [...out.matchAll(/-?\d+\.\d+(e-?\d+)?/g)].map((m) => Number(m[0]));
    expect(outputs).toHaveLength(4);
    expect(outputs.map((v) => Math.round(v))).toEqual([0, 1, 1, 1]);
  });
});

describe("README table example", () => {
  it("is the file examples/table.mjs, and runs: kinds inferred, the id left out, a penguin told apart", () => {
    const readme = readFileSync(new URL("README.md", root), "utf8");
    expect(readme).toContain("```js\n" + readFileSync(new URL("examples/table.mjs", root), "utf8") + "```");
    const out = execFileSync(process.execPath, ["examples/table.mjs"], { cwd: root, encoding: "utf8" });
    expect(out).toContain("id: left out (300 distinct values in 300 rows: an id or free text");
    expect(out).toContain("island: categorical (Biscoe, Dream, Torgersen)");
    expect(out).toContain("bill_length_mm: numeric, 18 blank");
    expect(Number(/validation accuracy ([\d.]+) %/.exec(out)?.[1])).toBeGreaterThanOrEqual(90);
    expect(out.trim().split("\n").at(-1)).toMatch(/^Gentoo /);
  });
});

describe("README brain.js example", () => {
  it("is the file examples/brain.mjs, and runs brain.js's colour example through wasmlp/brain", () => {
    const readme = readFileSync(new URL("README.md", root), "utf8");
    expect(readme).toContain("```js\n" + readFileSync(new URL("examples/brain.mjs", root), "utf8") + "```");
    const out = execFileSync(process.execPath, ["examples/brain.mjs"], { cwd: root, encoding: "utf8" });
    const [first, second, third] = out.trim().split("\n");
    const white = Number(/white: ([\d.e-]+)/.exec(first!)![1]), black = Number(/black: ([\d.e-]+)/.exec(first!)![1]);
    expect(white).toBeGreaterThan(0.9);
    expect(black).toBeLessThan(0.1);
    expect(second).toBe("white");
    expect(third).toBe("true");
  });
});
