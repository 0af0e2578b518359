#!/usr/bin/env node
// npm run fuzz [-- --seed N] [--runs M] [--time-bound MS] [--stats]: the loader fuzz suite of
// test/fuzz.test.ts with a longer budget (npm test runs it with seed 18 and 500 inputs per
// property). Without --seed a random seed is drawn and printed, so a failure can be replayed.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const value = (name, fallback) => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const v = args[at + 1];
  if (v === undefined || !/^\d+$/.test(v)) {
    console.error(`${name} needs a whole number`);
    process.exit(2);
  }
  return v;
};
const known = new Set(["--seed", "--runs", "--time-bound", "--stats"]);
const unknown = args.find((a, i) => a.startsWith("--") && !known.has(a) && !known.has(args[i - 1] ?? ""));
if (unknown) {
  console.error(`unknown option ${unknown}; usage: npm run fuzz -- [--seed N] [--runs M] [--time-bound MS] [--stats]`);
  process.exit(2);
}
const seed = value("--seed", String(Math.floor(Math.random() * 2 ** 31)));
const runs = value("--runs", "5000");
const timeBound = value("--time-bound", "2000");
console.log(`fuzzing the loaders: seed ${seed}, ${runs} inputs per property, answers within ${timeBound} ms (replay: npm run fuzz -- --seed ${seed} --runs ${runs})`);
const root = fileURLToPath(new URL("..", import.meta.url));
const result = spawnSync("npx", ["vitest", "run", "test/fuzz.test.ts"], {
  cwd: root,
  stdio: "inherit",
  shell: process.platform === "win32",
  env: { ...process.env, FUZZ_SEED: seed, FUZZ_RUNS: runs, FUZZ_TIME_BOUND_MS: timeBound, ...(args.includes("--stats") ? { FUZZ_STATS: "1" } : {}) },
});
process.exit(result.status ?? 1);
