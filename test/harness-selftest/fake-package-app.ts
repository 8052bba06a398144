import * as fs from "node:fs";
import * as path from "node:path";
import type { ResourceDescriptor } from "../harness/mini-engine";
import { preparePackedInstall, REPO_ROOT, type PackedInstall } from "../harness/packed-package";
import type { Registration } from "../harness/program-under-mocks";

/** The fixture package (`fake-dynamic-pkg`) the harness self-tests install instead of pulumi-telecom. */
export const FAKE_PACKAGE_DIR = path.join(REPO_ROOT, "test", "fixtures", "fake-provider-package", "package");
/** Pulumi programs using the fixture package. */
export const FAKE_PROGRAMS_DIR = path.join(REPO_ROOT, "test", "fixtures", "fake-provider-package", "programs");
/** Type token of the fixture's dynamic resource. */
export const FAKE_THING_TYPE = "pulumi-nodejs:dynamic/fake:Thing";

/** A packed install of the fixture package, with its object store and stack config. */
export interface FakePackageApp extends PackedInstall {
  /** JSON file where the fixture provider keeps its objects (`fake:store` config). */
  storePath: string;
  /** Stack config for programs and the provider. */
  config: Record<string, string>;
}

/** A stored fixture object, as tests see it in the store file. */
export interface FakeObject {
  name?: string;
  size?: number;
  zone?: string;
  kind?: string;
  password?: string;
  label?: string;
  serial: number;
}

/** Packs the fixture package into a temp app folder and copies the fixture programs next to it. */
export async function prepareFakePackageApp(): Promise<FakePackageApp> {
  const install = await preparePackedInstall({ packageDir: FAKE_PACKAGE_DIR });
  for (const file of fs.readdirSync(FAKE_PROGRAMS_DIR)) {
    fs.copyFileSync(path.join(FAKE_PROGRAMS_DIR, file), path.join(install.appDir, file));
  }
  const storePath = path.join(install.appDir, "fake-store.json");
  return { ...install, storePath, config: { "fake:store": storePath, "fake:password": "hunter2-secret" } };
}

/** The objects in the fixture's store, by id. */
export function readStore(app: FakePackageApp): Record<string, FakeObject> {
  if (!fs.existsSync(app.storePath)) return {};
  return (JSON.parse(fs.readFileSync(app.storePath, "utf8")) as { objects: Record<string, FakeObject> }).objects;
}

/** Changes the store behind the provider's back (drift, out-of-band deletion). */
export function editStore(app: FakePackageApp, edit: (objects: Record<string, FakeObject>) => void): void {
  const db = JSON.parse(fs.readFileSync(app.storePath, "utf8")) as { objects: Record<string, FakeObject> };
  edit(db.objects);
  fs.writeFileSync(app.storePath, JSON.stringify(db));
}

/**
 * A descriptor for a fixture Thing named `name`, reusing the provider text and options a real
 * registration carried (so the host runs the serialized provider the program produced).
 */
export function thing(
  template: Registration,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<ResourceDescriptor> = {},
): ResourceDescriptor {
  return {
    type: template.type,
    name,
    inputs: { __provider: template.inputs["__provider"], ...inputs },
    secretInputKeys: Object.keys(inputs).filter((key) => key === "password"),
    additionalSecretOutputs: template.additionalSecretOutputs,
    ...extra,
  };
}
