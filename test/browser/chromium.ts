// The one browser every browser test drives: the headless Chromium that ships inside the npm package
// @sparticuz/chromium (pinned in package.json, so `npm ci` brings it and every machine runs the same
// version). Unpacked to the OS temp folder once, before any test file starts (vitest globalSetup), so
// parallel test files never race to unpack it. CHROMIUM=/path/to/chrome names another browser.
import sparticuz from "@sparticuz/chromium";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The Chromium executable and the environment it runs with. */
    chromium: { executablePath: string; env: Record<string, string> };
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const executablePath = process.env.CHROMIUM ?? await sparticuz.executablePath();
  // The packaged browser brings its own fonts (unpacked beside it); point fontconfig at them so that
  // pages render the same with or without system fonts.
  const env = process.env.CHROMIUM === undefined ? { FONTCONFIG_PATH: join(tmpdir(), "fonts") } : {};
  project.provide("chromium", { executablePath, env });
}
