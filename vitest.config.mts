import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Host and program tests spawn real processes (the Pulumi dynamic-provider host, programs under
    // mocks); give them room on a 2-core machine without hiding hangs.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    globalSetup: ["test/harness/global-setup.ts"],
  },
});
