import { describe, expect, it } from "vitest";
import { ResourceInitError } from "../../provider/core/errors";
import type { TelecomResource } from "../../provider/core/resource";
import { forpostAccount } from "../../provider/forpost/account";
import { forpostCamera } from "../../provider/forpost/camera";
import { forpostUser } from "../../provider/forpost/user";
import { forpostUserCameraAccess } from "../../provider/forpost/user-camera-access";
import { ACCESS_INPUTS, CAMERA_INPUTS, PORTAL_ACCOUNT, USER_INPUTS } from "../fixtures/forpost-subscriber";
import { ACME_INPUTS } from "../fixtures/forpost-acme";
import { checkAndCreate, failureOf, useForpostSandbox } from "./forpost-setup";

/**
 * Found by the fault suite (test/fault): a create whose request Forpost APPLIED but whose answer
 * could not be read (a cut-off, non-JSON 200) ended in a plain error with no id — the object
 * existed at Forpost and was in no state, and the next `pulumi up` refused it as "a duplicate"
 * ("Login … already taken", "already has a camera … refusing to create a duplicate"). Every create
 * whose answer is lost or unreadable must end in one of three ways: the object found and kept,
 * a partial create with its id (ResourceInitError), or a `pending:` placeholder — never nothing.
 */
const t = useForpostSandbox();

interface Case {
  name: string;
  resource: TelecomResource;
  route: string;
  inputs(): Record<string, unknown>;
  /** How many objects of this kind the emulator holds. */
  count(): number;
}

const account = () => t.emulator.accounts.add({ ...PORTAL_ACCOUNT, ContractNumber: "C-LOST" }).ID;
const CASES: Case[] = [
  { name: "forpost:Account", resource: forpostAccount, route: "AddAccount", inputs: () => ({ ...ACME_INPUTS }), count: () => t.emulator.accounts.list().length },
  { name: "forpost:User", resource: forpostUser, route: "AddUser", inputs: () => ({ accountId: String(account()), ...USER_INPUTS }), count: () => t.emulator.users.list().length },
  { name: "forpost:Camera", resource: forpostCamera, route: "AddCamera", inputs: () => ({ accountId: String(account()), ...CAMERA_INPUTS }), count: () => t.emulator.cameras.list().length },
  {
    name: "forpost:UserCameraAccess",
    resource: forpostUserCameraAccess,
    route: "UpdateUserCameraAccessRights",
    inputs: () => {
      const a = account();
      const user = t.emulator.users.add({ AccountID: a, Login: "viewer-lost", Password: "test-only-pw-x", IsReadOnly: 1 }).ID;
      const camera = t.emulator.cameras.add({ AccountID: a, Name: "Двор", MasterID: 1, Login: "admin", IPOrDomain: "10.1.1.1", Port: 554 }).ID;
      return { userId: String(user), cameraId: String(camera), ...ACCESS_INPUTS };
    },
    count: () => 0,
  },
];

/** Whether a failed create left the object reachable from the state: its id, or a placeholder. */
function keptInState(error: unknown): boolean {
  return error instanceof ResourceInitError && typeof error.id === "string" && error.id !== "";
}

describe("Forpost creates whose answer is lost or unreadable never drop the object from the state", () => {
  for (const c of CASES) {
    it(`${c.name}: an applied ${c.route} answered with a cut-off body is found and kept (no duplicate)`, async () => {
      const inputs = c.inputs();
      const before = c.count();
      t.emulator.faults.set(c.route, { malformed: true, times: 1 });
      const { id } = await checkAndCreate(c.resource, inputs);
      expect(id).toMatch(/^\d+(\/\d+)?$/);
      if (c.name !== "forpost:UserCameraAccess") expect(c.count()).toBe(before + 1);
      expect(t.emulator.log.entries(c.route)).toHaveLength(1);
    });

    it(`${c.name}: an applied ${c.route} with an unreadable answer and failing look-ups ends pending, never with nothing`, async () => {
      const inputs = c.inputs();
      t.emulator.faults.set(c.route, { malformed: true, times: 1 });
      // Every look-up after the create fails for a while (a flaky minute).
      // Every look-up after the first (the core's check before the create) fails for a while (a flaky minute).
      for (const route of ["FindAccounts", "GetAccountUsers", "GetCameras", "GetUserCameraAccessRights"]) {
        t.emulator.faults.set(route, { after: 1, status: 500, body: { ErrorCode: 1, Error: "busy" } });
      }
      const error = await failureOf(checkAndCreate(c.resource, inputs));
      t.emulator.faults.clear();
      expect(keptInState(error), String(error)).toBe(true);
      // The next run (refresh of the placeholder, or of the partial create) finds exactly that object.
      const read = await c.resource.read((error as ResourceInitError).id, (error as ResourceInitError).properties);
      expect(read.id).toMatch(/^\d+(\/\d+)?$/);
    });

    it(`${c.name}: a ${c.route} refused with a bare HTTP 502 (not applied) is sent again and created once`, async () => {
      const inputs = c.inputs();
      const before = c.count();
      t.emulator.faults.set(c.route, { status: 502, body: "<html><body>Bad Gateway</body></html>", times: 1 });
      const { id } = await checkAndCreate(c.resource, inputs);
      expect(id).toMatch(/^\d+(\/\d+)?$/);
      if (c.name !== "forpost:UserCameraAccess") expect(c.count()).toBe(before + 1);
    });
  }
});
