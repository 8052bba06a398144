import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TelecomResource } from "../../provider/core/resource";
import { vsaasFolderAccess } from "../../provider/vsaas/folder-access";
import { vsaasOrganization } from "../../provider/vsaas/organization";
import { vsaasOrganizationUser } from "../../provider/vsaas/organization-user";
import { vsaasUser } from "../../provider/vsaas/user";
import { startSandbox, type RunningSandbox, type SeededOrganization } from "../../sandbox";
import { forgetVsaasLists, useVsaasConfig, vsaasConfigOf } from "../fixtures/vsaas-watcher";

/**
 * Issue 13: a refresh of 1,000 objects at `--parallel 64` costs within 2× of the floor the API
 * allows. The VSAAS.IO API has lists only: the billing's organizations (one call for all), the
 * Watcher's users (one call for all) and each organization's members (one call per organization,
 * for memberships and folder rights alike). Counted in the emulator's request log.
 */
const PASSWORD = "test-only-vsaas-floor-pw";
const N = 1_000;
const PARALLEL = 64;
let sandbox: RunningSandbox;
let seeded: SeededOrganization[];
const emulator = () => sandbox.vsaas.emulator;

beforeAll(async () => {
  sandbox = await startSandbox({ vsaas: { password: PASSWORD } });
  useVsaasConfig(vsaasConfigOf(sandbox, PASSWORD));
  seeded = emulator().seed({ organizations: N });
});
afterAll(() => sandbox.stop());

/** Reads every id at most `PARALLEL` at a time, as the engine's refresh steps do; answers the calls per route. */
async function refresh(resource: TelecomResource, ids: string[]): Promise<Record<string, number>> {
  forgetVsaasLists();
  emulator().log.clear();
  let next = 0;
  const found: string[] = [];
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        const read = await resource.read(id, {});
        if (read.id) found.push(read.id);
      }
    }),
  );
  expect(found.sort()).toEqual([...ids].sort());
  const calls: Record<string, number> = {};
  for (const e of emulator().log.entries()) calls[e.route ?? "?"] = (calls[e.route ?? "?"] ?? 0) + 1;
  return calls;
}

describe(`refresh of ${N} objects at --parallel ${PARALLEL}`, () => {
  it("organizations: one billing list (floor 1)", async () => {
    expect(await refresh(vsaasOrganization, seeded.map((o) => String(o.id)))).toEqual({ "organizations.index": 1 });
  });

  it("users: one user list, plus the organization list once per process for the default organization (floor 2)", async () => {
    expect(await refresh(vsaasUser, seeded.map((o) => String(o.users[0]!.id)))).toEqual({ "watcher.users.index": 1, "watcher.organizations.index": 1 });
  });

  it(`memberships in ${N} organizations: one member list per organization (floor ${N}), none twice`, async () => {
    const calls = await refresh(vsaasOrganizationUser, seeded.map((o) => `${o.externalId}/${o.users[0]!.id}`));
    expect(calls).toEqual({ "watcher.organization_users.index": N });
  });

  it(`folder rights in ${N} organizations: the same member lists (floor ${N})`, async () => {
    const calls = await refresh(vsaasFolderAccess, seeded.map((o) => `${o.externalId}/${o.folderId}/${o.users[0]!.id}`));
    expect(calls).toEqual({ "watcher.organization_users.index": N });
  });

  it("1,000 memberships in 10 organizations: 10 member lists", async () => {
    const big = emulator().seed({ organizations: 10, usersPerOrganization: 100, prefix: "big" });
    const calls = await refresh(vsaasOrganizationUser, big.flatMap((o) => o.users.map((u) => `${o.externalId}/${u.id}`)));
    expect(calls).toEqual({ "watcher.organization_users.index": 10 });
  });

  it("a neighbour's record is never read as ours, and a missing object is reported gone", async () => {
    const [a, b] = seeded;
    emulator().watcher.removeMember(a!.externalId, a!.users[0]!.id);
    forgetVsaasLists();
    // a's user is a member of nothing now; reading a membership id that pairs a's user with b's organization finds nothing.
    expect(await vsaasOrganizationUser.read(`${a!.externalId}/${a!.users[0]!.id}`, {})).toEqual({});
    expect(await vsaasOrganizationUser.read(`${b!.externalId}/${a!.users[0]!.id}`, {})).toEqual({});
    expect((await vsaasOrganizationUser.read(`${b!.externalId}/${b!.users[0]!.id}`, {})).props).toMatchObject({ userId: b!.users[0]!.id, login: b!.users[0]!.login });
  });
});
