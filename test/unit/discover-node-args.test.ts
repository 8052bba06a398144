import { describe, expect, it } from "vitest";
import { RESOURCES_PER_FILE } from "../../cli/discover/program";
import { largeProgramNodeArgs } from "../../cli/discover/run";

describe("the Node.js options discover gives a large program", () => {
  it("none up to one file's worth of resources", () => {
    expect(largeProgramNodeArgs(52)).toBeUndefined();
    expect(largeProgramNodeArgs(RESOURCES_PER_FILE)).toBeUndefined();
  });

  it("no promise stack traces, and a heap of about 0.25 MB per resource in whole GB, at least 4 GB", () => {
    expect(largeProgramNodeArgs(RESOURCES_PER_FILE + 1)).toBe("--stack-trace-limit=0 --max-old-space-size=4096");
    // The 2,000-subscriber bench: 35,583 resources peaked at 6.7 GB.
    expect(largeProgramNodeArgs(35_583)).toBe("--stack-trace-limit=0 --max-old-space-size=9216");
  });
});
