import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UNKNOWN } from "../harness/provider-host";
import { ProgramRunError, runProgramUnderMocks, type ProgramRun, type Registration } from "../harness/program-under-mocks";
import { FAKE_THING_TYPE, prepareFakePackageApp, type FakePackageApp } from "./fake-package-app";

let app: FakePackageApp;
let run: ProgramRun;
let preview: ProgramRun;
let failure: unknown;
let namedProject: ProgramRun;

function named(registrations: Registration[], name: string): Registration {
  const registration = registrations.find((candidate) => candidate.name === name);
  if (!registration) throw new Error(`no registration named ${name}: ${registrations.map((r) => r.name).join(", ")}`);
  return registration;
}

beforeAll(async () => {
  app = await prepareFakePackageApp();
  const projectDir = path.join(app.appDir, "named-project");
  fs.mkdirSync(projectDir);
  fs.writeFileSync(path.join(projectDir, "Pulumi.yaml"), "name: fake-demo\nruntime: nodejs\n");
  fs.copyFileSync(path.join(app.appDir, "project-config.ts"), path.join(projectDir, "index.ts"));
  // Each run is its own Node process: start them together, and let all finish (and clean up)
  // before reporting a failure.
  const settled = await Promise.allSettled([
    runProgramUnderMocks({
      programFile: "two-things.ts",
      cwd: app.appDir,
      config: { ...app.config, "fake:size": "5" },
      secretConfigKeys: ["fake:password"],
    }),
    runProgramUnderMocks({
      programFile: "two-things.ts",
      cwd: app.appDir,
      config: app.config,
      secretConfigKeys: ["fake:password"],
      preview: true,
    }),
    runProgramUnderMocks({ programFile: "failing.ts", cwd: app.appDir }).then(
      () => undefined,
      (error: unknown) => error,
    ),
    runProgramUnderMocks({ programFile: "index.ts", cwd: projectDir, config: { "fake-demo:greeting": "hello" } }),
  ] as const);
  const rejected = settled.find((outcome) => outcome.status === "rejected");
  if (rejected) throw rejected.reason;
  [run, preview, failure, namedProject] = settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as [
    ProgramRun,
    ProgramRun,
    unknown,
    ProgramRun,
  ];
});

afterAll(async () => {
  await app?.cleanup();
});

describe("runProgramUnderMocks", () => {
  it("captures every resource registration with its type, name and inputs, without the root stack", () => {
    expect(run.registrations.map((r) => r.name).sort()).toEqual(["first", "second"]);
    const first = named(run.registrations, "first");
    expect(first.type).toBe(FAKE_THING_TYPE);
    expect(first.custom).toBe(true);
    // Stack config reached the program: fake:size came from PULUMI_CONFIG.
    expect(first.inputs).toMatchObject({ name: "first-thing", size: 5, zone: "a", password: "hunter2-secret" });
    // Undefined inputs are not sent (the serializer drops them), like a real registration.
    expect(first.inputs).not.toHaveProperty("kind");
  });

  it("unwraps secret inputs and records their keys", () => {
    const first = named(run.registrations, "first");
    expect(first.secretInputKeys).toEqual(["password"]);
    expect(first.inputs["password"]).toBe("hunter2-secret");
    expect(named(run.registrations, "second").secretInputKeys).toEqual([]);
  });

  it("reads resource options off the request: additionalSecretOutputs, protect, deleteBeforeReplace", () => {
    const first = named(run.registrations, "first");
    const second = named(run.registrations, "second");
    expect(first.additionalSecretOutputs).toEqual(["password", "token"]);
    expect(first.protect).toBe(false);
    expect(first.deleteBeforeReplace).toBeUndefined();
    expect(second.protect).toBe(true);
    expect(second.deleteBeforeReplace).toBe(false);
    expect(second.importId).toBe("");
  });

  it("exposes the serialized provider text and its size, which loads the implementation by package name", () => {
    const first = named(run.registrations, "first");
    expect(first.provider).toBe(first.inputs["__provider"]);
    expect(first.provider).toContain('require("fake-dynamic-pkg/impl")');
    expect(first.providerSize).toBe(Buffer.byteLength(first.provider ?? "", "utf8"));
    expect(first.providerSize).toBeLessThan(4096);
    expect(first.provider).not.toContain("hunter2-secret");
    // One provider object → one text for every resource of the type.
    expect(named(run.registrations, "second").provider).toBe(first.provider);
  });

  it("returns the stack exports, marking secret ones", () => {
    expect(run.exports).toEqual({ firstName: "first-thing", firstPassword: "hunter2-secret", secondId: "second-id" });
    expect(run.secretExportKeys).toEqual(["firstPassword"]);
  });

  it("in preview, ids of new resources are unknown", () => {
    expect(preview.exports["secondId"]).toBe(UNKNOWN);
    expect(named(preview.registrations, "first").inputs["size"]).toBe(2);
  });

  it("takes the project name from a Pulumi.yaml in cwd, so unqualified config keys resolve", () => {
    expect(namedProject.exports).toEqual({ greeting: "hello", project: "fake-demo" });
    expect(namedProject.registrations).toEqual([]);
  });

  it("rejects with ProgramRunError carrying the program's error and the registrations made before it", () => {
    expect(failure).toBeInstanceOf(ProgramRunError);
    const error = failure as ProgramRunError;
    expect(error.message).toContain("program failed on purpose");
    expect(error.exitCode).toBe(1);
    expect(error.registrations.map((r) => r.name)).toEqual(["before-failure"]);
  });
});
