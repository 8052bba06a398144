import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resourceTokens } from "../../provider";
import { documentedResources, updateReadme } from "../../scripts/reference-docs";

describe("README reference", () => {
  it("matches the schemas and configs (regenerate with `npx tsx scripts/reference-docs.ts`)", () => {
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    expect(updateReadme(readme)).toBe(readme);
  });

  it("documents every resource the provider serves", () => {
    expect(documentedResources.map((r) => r.definition.token).sort()).toEqual([...resourceTokens].sort());
  });
});
