// Running the built command line (dist/cli.js) from the tests, in a temporary folder of their own.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect } from "vitest";
import { ROOT } from "./helpers.js";

export interface Run { code: number | null; stdout: string; stderr: string }

export function wasmlp(...args: string[]): Run {
  const r = spawnSync(process.execPath, ["dist/cli.js", ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a command that must succeed; on failure the assertion shows its stderr. */
export function ok(...args: string[]): string {
  const r = wasmlp(...args);
  expect(r.stderr.includes("error:") ? r.stderr : "", `wasmlp ${args.join(" ")}`).toBe("");
  expect(r.code).toBe(0);
  return r.stdout;
}

/** A temporary folder for one test file, removed when it ends; returns the path maker. */
export function scratch(prefix: string): (name: string) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name: string) => join(dir, name);
}
