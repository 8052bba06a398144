import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { resourceTokens } from "../../provider";
import { functions, resources, vendors } from "../../provider/registry";
import { docPaths, generatedFiles, loadFunction, loadRegistry, loadResource, pageProblems, REPO_ROOT } from "../../scripts/generate";
import * as sdk from "../../sdk";

beforeAll(() => loadRegistry());

describe("the registry", () => {
  it("lists every resource once, each loadable with the token it declares", () => {
    expect(new Set(resources.map((r) => r.token)).size).toBe(resources.length);
    expect(new Set(resources.map((r) => r.className)).size).toBe(resources.length);
    for (const entry of resources) {
      expect(loadResource(entry).definition.token).toBe(entry.token);
    }
    expect(resourceTokens).toEqual(resources.map((r) => r.token));
  });

  it("names a vendor for every resource and function", () => {
    const ids = new Set(vendors.map((v) => v.id));
    for (const r of resources) expect(ids.has(r.token.split(":")[0] as never), r.token).toBe(true);
    for (const f of functions) {
      expect(ids.has(f.vendor), `${f.vendor}.${f.name}`).toBe(true);
      expect(loadFunction(f).definition.token).toBe(`${f.vendor}:${f.name}`);
    }
  });

  it("is what the package exports: one class per resource, one namespace member per function", () => {
    for (const entry of resources) expect(typeof (sdk as Record<string, unknown>)[entry.className], entry.className).toBe("function");
    for (const f of functions) {
      const ns = (sdk as unknown as Record<string, Record<string, unknown>>)[f.vendor];
      expect(typeof ns?.[f.name], `${f.vendor}.${f.name}`).toBe("function");
      expect(typeof ns?.[`${f.name}Output`], `${f.vendor}.${f.name}Output`).toBe("function");
    }
  });

  it("refuses a token it does not know, saying the state came from another version", async () => {
    const { resourceProvider } = await import("../../provider");
    expect(() => resourceProvider("forpost:Nope")).toThrow(/another version of pulumi-telecom/);
  });
});

describe("generated SDK and docs", () => {
  it("are up to date with the registry and schemas (regenerate with `npm run generate`)", async () => {
    for (const file of await generatedFiles()) {
      const full = join(REPO_ROOT, file.path);
      expect(existsSync(full), `${file.path} is missing`).toBe(true);
      expect(readFileSync(full, "utf8"), `${file.path} is out of date`).toBe(file.content);
    }
  });

  it("have a page per resource, function and vendor configuration, each with a worked example", () => {
    for (const r of resources) expect(existsSync(join(REPO_ROOT, "docs", docPaths.resource(r))), r.className).toBe(true);
    for (const f of functions) expect(existsSync(join(REPO_ROOT, "docs", docPaths.function(f))), f.name).toBe(true);
    for (const v of vendors) expect(existsSync(join(REPO_ROOT, "docs", docPaths.config(v))), v.id).toBe(true);
    expect(pageProblems()).toEqual([]);
  });

  it("keep the README short: what it is, the two commands, a first program, links", () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    expect(statSync(join(REPO_ROOT, "README.md")).size).toBeLessThan(12 * 1024);
    const firstLines = readme.split("\n").slice(0, 8).join("\n");
    expect(firstLines).toContain("npm run demo");
    expect(firstLines).toContain("npm test");
    expect(readme).toContain("docs/README.md");
  });
});
