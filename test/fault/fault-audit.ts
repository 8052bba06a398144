/**
 * What the fault suite counts, from the emulators' own state (never from our client): the suite's
 * vendor objects by natural key (duplicates, leaks), the neighbours byte for byte, secrets in a
 * text, and whether an error message is clear.
 */
import { ipToInteger, type RunningSandbox } from "../../sandbox";

type Rec = Record<string, unknown>;

/** Records the suite's objects attach to (their lists of children change): not neighbours. */
const FIXTURE_MARKERS = [
  "FAULT-PARENT",
  "faultbox",
  "Fault member org",
  "Fault folder org",
  "fault-member-",
  "fault-folder-",
  "fault-viewer-",
  "Fault access camera",
  "Fault recorder",
  "Fault camera area",
  "Fault street for switches",
  "Unassigned cameras", // the VSAAS.IO default organization: a VsaasUser joins it unless it leaves
  "sandbox-admin@example.org",
];

/** A vendor collection holding one resource kind: how to read an object's natural key there and in our state. */
interface Kind {
  token: string;
  vendor: keyof Pick<RunningSandbox, "forpost" | "stalker" | "vsaas" | "hikconnect" | "billing">;
  records(state: Rec): Rec[];
  vendorKey(r: Rec): string;
  declaredKey(outputs: Rec): string;
}

const arr = (state: Rec, k: string) => (state[k] as Rec[] | undefined) ?? [];
const s = (v: unknown) => String(v ?? "");
const members = (org: Rec) => (org["members"] as Rec[] | undefined) ?? [];

export const KINDS: Kind[] = [
  { token: "forpost:Account", vendor: "forpost", records: (st) => arr(st, "accounts"), vendorKey: (r) => s(r["ContractNumber"]), declaredKey: (o) => s(o["contractNumber"]) },
  { token: "forpost:User", vendor: "forpost", records: (st) => arr(st, "users"), vendorKey: (r) => s(r["Login"]), declaredKey: (o) => s(o["login"]) },
  { token: "forpost:Camera", vendor: "forpost", records: (st) => arr(st, "cameras"), vendorKey: (r) => `${s(r["AccountID"])}/${s(r["Name"])}`, declaredKey: (o) => `${s(o["accountId"])}/${s(o["name"])}` },
  { token: "forpost:UserCameraAccess", vendor: "forpost", records: (st) => arr(st, "access").filter((r) => ["Review", "ViewArchive", "Admin", "PTZ", "Download", "Snapshot"].some((k) => r[k] === true || r[k] === 1 || r[k] === "1")), vendorKey: (r) => `${s(r["UserID"])}/${s(r["CameraID"])}`, declaredKey: (o) => `${s(o["userId"])}/${s(o["cameraId"])}` },
  { token: "stalker:Account", vendor: "stalker", records: (st) => arr(st, "accounts"), vendorKey: (r) => s(r["login"]), declaredKey: (o) => s(o["login"]) },
  {
    token: "vsaas:Organization",
    vendor: "vsaas",
    // A billing organization names its owner by billing user id; the owner's e-mail is the login of
    // the Watcher user that owns the organization's Watcher twin (external_id). E-mails are stored
    // lower-cased (Devise), so the declared owner is compared lower-cased too.
    records: (st) => {
      const watcherOrgs = new Map(arr(st, "watcherOrganizations").map((o) => [o["id"], o]));
      const logins = new Map(arr(st, "watcherUsers").map((u) => [u["id"], s(u["login"])]));
      return arr(st, "organizations").map((r) => ({ ...r, owner: logins.get(watcherOrgs.get(r["external_id"])?.["ownerWatcherId"]) ?? `owner of ${s(r["id"])} unknown` }));
    },
    vendorKey: (r) => `${s(r["title"])}/${s(r["owner"]).toLowerCase()}`,
    declaredKey: (o) => `${s(o["title"])}/${s(o["owner"]).toLowerCase()}`,
  },
  {
    token: "vsaas:User",
    vendor: "vsaas",
    // Owners of the suite's organizations are Watcher users the billing made with the organization (not VsaasUser objects).
    records: (st) => arr(st, "watcherUsers").filter((r) => !/^fault\d+@example\.org$/.test(s(r["login"]))), vendorKey: (r) => s(r["login"]), declaredKey: (o) => s(o["login"]) },
  {
    token: "vsaas:OrganizationUser",
    vendor: "vsaas",
    // Memberships of ordinary organizations, less the owner's own (made and removed with the
    // organization: a VsaasOrganization's part, counted there). The default organization's
    // memberships belong to VsaasUser (leaveDefaultOrganization), below.
    records: (st) =>
      arr(st, "watcherOrganizations")
        .filter((org) => org["is_default"] !== true)
        .flatMap((org) => members(org).filter((m) => m["user_id"] !== org["ownerWatcherId"]).map((m) => ({ ...m, organization: org["id"] }))),
    vendorKey: (r) => `${s(r["organization"])}/${s(r["user_id"])}`,
    declaredKey: (o) => `${s(o["watcherOrganizationId"])}/${s(o["userId"])}`,
  },
  {
    token: "vsaas:User",
    vendor: "vsaas",
    // A VsaasUser stays in the default organization only when it declares leaveDefaultOrganization
    // false; a membership there of a user whose state says it left (or of no user in any state) is
    // left behind.
    records: (st) => arr(st, "watcherOrganizations").filter((org) => org["is_default"] === true).flatMap((org) => members(org).map((m) => ({ ...m, organization: org["id"] }))),
    vendorKey: (r) => `default organization member ${s(r["login"])}`,
    declaredKey: (o) => (o["leaveDefaultOrganization"] === false ? `default organization member ${s(o["login"])}` : ""),
  },
  { token: "hikconnect:Device", vendor: "hikconnect", records: (st) => arr(st, "devices"), vendorKey: (r) => s(r["serialNo"]), declaredKey: (o) => s(o["serialNo"]) },
  { token: "hikconnect:Area", vendor: "hikconnect", records: (st) => arr(st, "areas"), vendorKey: (r) => s(r["name"]), declaredKey: (o) => s(o["name"]) },
  { token: "hikconnect:AreaCamera", vendor: "hikconnect", records: (st) => arr(st, "cameras"), vendorKey: (r) => `${s(r["areaId"])}/${s(r["channelId"])}`, declaredKey: (o) => `${s(o["areaId"])}/${s(o["channelId"])}` },
  {
    token: "billing:Home",
    vendor: "billing",
    records: (st) => arr(st, "homes"),
    vendorKey: (r) => `${s(r["STREET"])}/${s(r["S_NUMBER"])}/${s(r["S_LITER"])}`,
    declaredKey: (o) => `${s(o["street"])}/${s(o["number"])}/${s(o["liter"])}`,
  },
  { token: "billing:Switch", vendor: "billing", records: (st) => arr(st, "switches"), vendorKey: (r) => `${s(r["HOME_ID"])}/${s(r["IP"])}`, declaredKey: (o) => `${s(o["homeId"])}/${o["ip"] ? ipToInteger(String(o["ip"])) : ""}` },
];

/** Every vendor's state, as plain JSON. */
export function snapshot(sandbox: RunningSandbox): Record<string, Rec> {
  const out: Record<string, Rec> = {};
  for (const v of ["forpost", "stalker", "vsaas", "hikconnect", "billing"] as const) {
    out[v] = JSON.parse(JSON.stringify(sandbox[v].emulator.state())) as Rec;
  }
  return out;
}

/** Records of the state, by vendor + collection + identity → JSON; fixtures left out. */
export function neighbourRecords(snap: Record<string, Rec>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [vendor, state] of Object.entries(snap)) {
    for (const [collection, value] of Object.entries(state)) {
      if (!Array.isArray(value)) continue;
      for (const record of value as Rec[]) {
        if (record === null || typeof record !== "object") continue;
        const json = JSON.stringify(record);
        if (FIXTURE_MARKERS.some((m) => json.includes(m))) continue;
        const id = record["ID"] ?? record["id"] ?? record["login"] ?? record["serialNo"] ?? json;
        out.set(`${vendor}.${collection}:${String(id)}`, json);
      }
    }
  }
  return out;
}

/** Neighbours that changed or disappeared since `before` (their names). */
export function touchedNeighbours(before: Map<string, string>, now: Record<string, Rec>): string[] {
  const after = neighbourRecords(now);
  return [...before].filter(([key, json]) => after.get(key) !== json).map(([key]) => key);
}

export interface ObjectAudit {
  duplicates: string[];
  leaked: string[];
  /** Hik-Connect areas the suite stopped managing: the API cannot delete areas (onDestroy "retain"). */
  retained: number;
}

/**
 * The suite's vendor objects (not in `initial`) against the objects the stacks' states declare
 * (`declared`: token → outputs): a key held by more than one vendor object is a duplicate, a vendor
 * object no state declares is leaked.
 */
export function auditObjects(initial: Record<string, Rec>, now: Record<string, Rec>, declared: Map<string, Rec[]>, retainedAreaNames: Set<string>): ObjectAudit {
  const result: ObjectAudit = { duplicates: [], leaked: [], retained: 0 };
  for (const kind of KINDS) {
    const before = new Set(kind.records(initial[kind.vendor]!).map((r) => JSON.stringify([kind.vendorKey(r), r["ID"] ?? r["id"] ?? r["login"]])));
    const fresh = kind.records(now[kind.vendor]!).filter((r) => !before.has(JSON.stringify([kind.vendorKey(r), r["ID"] ?? r["id"] ?? r["login"]])));
    const keys = new Set((declared.get(kind.token) ?? []).map((o) => kind.declaredKey(o)));
    const byKey = new Map<string, number>();
    for (const r of fresh) byKey.set(kind.vendorKey(r), (byKey.get(kind.vendorKey(r)) ?? 0) + 1);
    for (const [key, count] of byKey) {
      if (count > 1) result.duplicates.push(`${kind.token} ${key} ×${count}`);
      if (!keys.has(key)) {
        if (kind.token === "hikconnect:Area" && retainedAreaNames.has(key)) result.retained += count;
        else result.leaked.push(`${kind.token} ${key}`);
      }
    }
  }
  return result;
}

/** How many times the secrets occur in `text` (which of them, for the report). */
export function secretsIn(text: string, secrets: Iterable<string>): string[] {
  const found: string[] = [];
  for (const value of secrets) if (value.length >= 4 && text.includes(value)) found.push(value);
  return found;
}

const VENDOR_TITLE = /\b(Forpost|Stalker|VSAAS\.IO|Hik-Connect|[Bb]illing)\b/;
/** A vendor operation: a method name (AddAccount, CLN_HOME_EDIT), an HTTP call (POST /accounts/), an API path (devices/add). */
const OPERATION = /\b([A-Z][a-z]+[A-Z][A-Za-z]+|CLN_[A-Z_0-9]+|(GET|POST|PUT|PATCH|DELETE) \/\S*|[a-z]+\/[a-zA-Z/]+)\b|\b(create|read|update|delete|refresh|look-up|lookup)\b/;
/** What the operator does next. */
const ADVICE = /\bis \w+:url\b|\b(Check|check|raise|Raise|run|Run|retry|try again|remove|set|fix|Fix|adoptExisting|delete it|pulumi (up|refresh|destroy))\b/;

/** Why a message is unclear (what it lacks), or undefined when it names the vendor, the operation and what to do. */
export function unclear(message: string): string | undefined {
  const missing = [
    VENDOR_TITLE.test(message) ? "" : "vendor",
    OPERATION.test(message) ? "" : "operation",
    ADVICE.test(message) ? "" : "advice",
  ].filter(Boolean);
  return missing.length ? missing.join("+") : undefined;
}
