// The native host of examples/c-host/: the portable module through wasm2c and the system C compiler,
// training the golden seed case. wasm2c and wasm-validate come from the npm devDependency wabt, the C
// runtime from examples/c-host/wasm-rt/; the machine needs only node, make and cc.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const PORTABLE = ROOT + "build/wasmlp-portable.wasm";
const WASM_VALIDATE = ROOT + "node_modules/wabt/bin/wasm-validate";

function hasTool(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function close(actual: number[], expected: number[], what: string, rel = 1e-12): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= rel * Math.abs(e) + 1e-15)) expect.fail(`${what}[${i}]: got ${a}, expected ${e}`);
  });
}

describe("C host (wasm2c)", () => {
  const out = mkdtempSync(join(tmpdir(), "wasmlp-c-host-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("has its tools (make and a C compiler, cc, on PATH)", () => {
    for (const tool of ["make", "cc"]) expect(hasTool(tool), `${tool} on PATH (the C host needs make and cc)`).toBe(true);
  });

  it("the portable module validates without SIMD, the release module does not", () => {
    execFileSync(process.execPath, [WASM_VALIDATE, "--disable-simd", PORTABLE]);
    expect(() =>
      execFileSync(process.execPath, [WASM_VALIDATE, "--disable-simd", ROOT + "build/wasmlp.wasm"], { stdio: "ignore" }),
    ).toThrow();
  });

  it("builds, trains seed-3-4-2-batch4 and prints every step's loss and weights to 1e-12", () => {
    execFileSync("make", ["-s", "-C", ROOT + "examples/c-host", `OUT=${out}`, `WASM=${PORTABLE}`], { stdio: ["ignore", "pipe", "pipe"] });
    const stdout = execFileSync(join(out, "c-host"), { encoding: "utf8" });
    const printed = new Map<string, number[]>();
    for (const line of stdout.trim().split("\n")) {
      const [word, step, name, ...values] = line.trim().split(/\s+/);
      if (word === "step") printed.set(`${step} ${name}`, values.map(Number));
    }
    const golden = JSON.parse(readFileSync(ROOT + "test/golden/seed-3-4-2-batch4.json", "utf8")) as {
      steps: { lossBeforeStep: number; layers: { weights: number[]; biases: number[] }[] }[];
    };
    expect(golden.steps.length).toBe(3);
    golden.steps.forEach((s, t) => {
      const step = t + 1;
      close(printed.get(`${step} loss`) ?? [], [s.lossBeforeStep], `step ${step} loss`);
      s.layers.forEach((layer, l) => {
        close(printed.get(`${step} W${l + 1}`) ?? [], layer.weights, `step ${step} W${l + 1}`);
        close(printed.get(`${step} b${l + 1}`) ?? [], layer.biases, `step ${step} b${l + 1}`);
      });
    });
    expect(printed.size).toBe(golden.steps.length * 5);
  });
});
