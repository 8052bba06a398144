import * as fs from "node:fs";
import * as path from "node:path";
import { runProgramUnderMocks, type ProgramRun, type RunProgramOptions } from "../../test/harness/program-under-mocks";

/**
 * A program under Pulumi's mocks whose resources answer, by name, the id and outputs given: what a
 * provider computed (an organization's Watcher id, a device's channels), or what the real objects
 * are after an `up`. The harness's mocks answer every resource with `<name>-id` and its inputs, so
 * a program whose resources use each other's computed outputs (`cloud.externalId`,
 * `camera.cameraChannels`) or look things up with them could not be followed further.
 *
 * Resources not named keep the harness's answer: in a preview their ids and outputs stay unknown,
 * so what depends on them shows up as unknown inputs — what is not ready to be created yet.
 */
export interface KnownResource {
  id: string;
  outputs?: Record<string, unknown>;
}

const WRAPPER = "known-outputs-wrapper.js";

const wrapperSource = (programFile: string) => `"use strict";
const { createRequire } = require("node:module");
const path = require("node:path");
const programRequire = createRequire(path.join(process.cwd(), ${JSON.stringify(programFile)}));
const settings = programRequire("@pulumi/pulumi/runtime/settings");
const mocks = settings.getMonitor().mocks;
const known = JSON.parse(process.env.PULUMI_TELECOM_KNOWN_OUTPUTS || "{}");
const newResource = mocks.newResource.bind(mocks);
mocks.newResource = async (args) => {
  const answer = await newResource(args);
  const found = known[args.name];
  if (!found) return answer;
  return { id: found.id, state: { ...answer.state, ...(found.outputs || {}) } };
};
module.exports = programRequire(${JSON.stringify(`./${programFile}`)});
`;

/** Runs `options.programFile` (default index.ts) in `options.cwd` under mocks, with the resources in `known` answering as given. */
export function runWithKnownOutputs(known: Record<string, KnownResource>, options: Omit<RunProgramOptions, "programFile"> & { programFile?: string }): Promise<ProgramRun> {
  const programFile = options.programFile ?? "index.ts";
  fs.writeFileSync(path.join(options.cwd, WRAPPER), wrapperSource(programFile));
  return runProgramUnderMocks({
    ...options,
    programFile: WRAPPER,
    env: { ...options.env, PULUMI_TELECOM_KNOWN_OUTPUTS: JSON.stringify(known) },
  });
}
