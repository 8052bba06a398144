import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Host and program tests spawn real processes (the Pulumi dynamic-provider host, programs under
    // mocks); give them room on a 2-core machine without hiding hangs.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Vitest's default on a 2-core machine is ONE file at a time (cores - 1), and most of these
    // files spend their time waiting: on rate limits, retries' back-offs, the Pulumi CLI, child
    // processes. Three at a time keeps both cores busy. VITEST_MAX_WORKERS overrides it.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS ?? 3),
    globalSetup: ["test/harness/global-setup.ts"],
  },
});
