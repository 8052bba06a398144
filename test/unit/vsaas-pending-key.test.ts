import { describe, expect, it } from "vitest";
import { expectResolution, takeResolution } from "../../provider/core/adoption";

/**
 * A pending create's key comes back from the state through a protobuf Struct, which need not keep
 * the order of its fields. VsaasOrganization (title + owner) and VsaasOrganizationUser
 * (watcherOrganizationId + userId) have two-field keys: their pending creates must still resolve.
 */
describe("pending creates with a key of several fields", () => {
  it("are found whatever order the key's fields come back in", () => {
    const pending = { key: { userId: 1181, watcherOrganizationId: 774 }, before: [], since: "2026-01-01T00:00:00.000Z" };
    expectResolution("vsaas:OrganizationUser", "pending:abc", pending);
    expect(takeResolution("vsaas:OrganizationUser", { watcherOrganizationId: 774, userId: 1181 })).toEqual({ pendingId: "pending:abc", pending });
    expect(takeResolution("vsaas:OrganizationUser", { watcherOrganizationId: 774, userId: 1181 })).toBeUndefined();
  });

  it("never match another key", () => {
    expectResolution("vsaas:Organization", "pending:def", { key: { owner: "a@example.org", title: "A" }, before: [], since: "x" });
    expect(takeResolution("vsaas:Organization", { title: "A", owner: "b@example.org" })).toBeUndefined();
    expect(takeResolution("vsaas:Organization", { title: "A", owner: "a@example.org" })?.pendingId).toBe("pending:def");
  });
});
