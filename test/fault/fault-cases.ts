/**
 * What the fault suite declares, per resource of the registry: the inputs of object i, an in-place
 * change, a change that replaces (where the schema has one), the objects they need that the suite
 * does not manage (made in the emulator directly: a parent account, a set-top box, a membership),
 * and the neighbours it seeds — objects the program never declares that must stay byte for byte
 * as they were. Every secret value used is listed, for the leak check.
 */
import { ipToInteger, type RunningSandbox } from "../../sandbox";

type Props = Record<string, unknown>;

/** Resource passwords and codes used by the suite (the leak check looks for each of them). */
export const RESOURCE_SECRETS = new Set<string>();
const secret = (value: string): string => {
  RESOURCE_SECRETS.add(value);
  return value;
};

export interface FaultCase {
  token: string;
  /** The SDK class (for the program that yields `__provider`). */
  className: string;
  inputs(i: number): Props;
  /** An in-place change (or, for resources whose inputs all replace, the replacement). */
  update(inputs: Props, i: number): Props;
  /** A change that replaces the object; undefined when the schema has none worth exercising. */
  replace?(inputs: Props, i: number): Props;
}

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, "0");

/**
 * Makes the fixture parents and neighbours in the emulators and returns the cases. `n` objects per
 * resource; the replace variants use a second set of parents / keys.
 */
export function faultCases(s: RunningSandbox, n: number): { cases: FaultCase[]; fixtureKeys: Set<string> } {
  /** Emulator records the suite's objects attach to (their child lists change): not neighbours. */
  const fixtureKeys = new Set<string>();
  const fp = s.forpost.emulator;
  const accountFields = (contract: string, name: string) => ({
    Name: name,
    ContractNumber: contract,
    MaxCameraCount: 1_000,
    MaxLoginCount: 1_000,
    MaxCameraOnlineTranslationCount: 1,
    MaxCameraArchivalTranslationCount: 1,
    MaxCameraUserOnlineTranslationCount: 1,
    MaxCameraUserArchivalTranslationCount: 1,
  });
  const parentA = fp.accounts.add(accountFields("FAULT-PARENT-A", "Fault parent A")).ID;
  const parentB = fp.accounts.add(accountFields("FAULT-PARENT-B", "Fault parent B")).ID;
  fixtureKeys.add(`forpost:accounts:${parentA}`).add(`forpost:accounts:${parentB}`);
  // Forpost neighbours: contract numbers that contain ours ("FLT-1" in "FLT-10", "FLT-1X"), a user
  // and a camera in another account.
  const nb = fp.accounts.add(accountFields("FLT-1X", "Neighbour with a similar contract"));
  fp.accounts.add(accountFields("XFLT-2", "Neighbour with a containing contract"));
  fp.users.add({ AccountID: nb.ID, Login: "fault-user-1x", Password: secret("neighbour-only-pw-1"), IsReadOnly: 1 });
  fp.cameras.add({ AccountID: nb.ID, Name: "Fault camera 1", MasterID: 1, Login: "admin", IPOrDomain: "192.0.2.10", Port: 554 });
  const viewers = Array.from({ length: n }, (_, i) => fp.users.add({ AccountID: parentA, Login: `fault-viewer-${i}`, Password: secret(`fault-only-viewer-pw-${i}`), IsReadOnly: 1 }).ID);
  const accessCams = Array.from({ length: 2 * n }, (_, i) =>
    fp.cameras.add({ AccountID: parentA, Name: `Fault access camera ${i}`, MasterID: 1, Login: "admin", IPOrDomain: "192.0.2.10", Port: 554 }).ID,
  );
  for (const id of viewers) fixtureKeys.add(`forpost:users:${id}`);
  for (const id of accessCams) fixtureKeys.add(`forpost:cameras:${id}`);

  // Stalker: boxes for the subscription/restriction objects (not managed), and neighbours that
  // share our accounts' account numbers (a PUT/DELETE by account number would hit them).
  const st = s.stalker.emulator;
  const boxMac = (i: number) => `00:1A:79:02:${hex2(i >> 8)}:${hex2(i & 0xff)}`;
  for (let i = 0; i < 4 * n; i++) {
    st.addAccount({ login: `faultbox${i}`, account_number: `${7000 + i}`, stb_mac: boxMac(i) });
    fixtureKeys.add(`stalker:accounts:faultbox${i}`);
  }
  for (let i = 0; i < n; i++) {
    st.addAccount({ login: `fault-neighbour-${i}`, account_number: `${3000 + i}`, full_name: "Neighbour sharing the account number", stb_mac: `00:1A:79:03:00:${hex2(i)}` });
  }

  // VSAAS.IO: memberships for the folder rights, organizations and users for the memberships; a
  // neighbour organization with our title but another owner.
  const vs = s.vsaas.emulator;
  const orgOf = (title: string, owner: string) => vs.organizations.add({ title, owner })["external_id"] as number;
  const memberOrgs = Array.from({ length: 2 * n }, (_, i) => orgOf(`Fault member org ${i}`, `fault-m${i}@example.org`));
  const memberUsers = Array.from({ length: 2 * n }, (_, i) => vs.watcher.addUser(`fault-member-${i}@example.org`, secret(`fault-only-member-pw-${i}`)).id);
  const folderOrgs = Array.from({ length: n }, (_, i) => orgOf(`Fault folder org ${i}`, `fault-f${i}@example.org`));
  const folderUsers = Array.from({ length: n }, (_, i) => vs.watcher.addUser(`fault-folder-${i}@example.org`, secret(`fault-only-folder-pw-${i}`)).id);
  folderOrgs.forEach((org, i) => vs.watcher.addMember(org, folderUsers[i]!));
  orgOf("Fault family 0", "someone-else@example.org");
  vs.watcher.addUser("fault-user-0@example.org.neighbour", secret("neighbour-only-pw-2"));

  // Hik-Connect: physical devices to add (two per object, for the replacement), one recorder with
  // a channel per area camera and its areas; a neighbour device already on the account.
  const hk = s.hikconnect.emulator.devices;
  const verify = (i: number) => secret(`FV${String(i).padStart(4, "0")}`);
  for (let i = 0; i < 2 * n; i++) hk.registerPhysical({ serialNo: `FLT${String(i).padStart(6, "0")}`, verifyCode: verify(i) });
  hk.registerPhysical({ serialNo: "FLTREC001", verifyCode: secret("FVREC1"), cameraChannels: 2 * n });
  const recorder = hk.addToAccount("FLTREC001", { name: "Fault recorder" });
  const channels = recorder.cameraChannels.map((c) => c.id);
  const camAreas = [hk.addArea("Fault camera area A"), hk.addArea("Fault camera area B")];
  hk.registerPhysical({ serialNo: "FLTNEIGH1", verifyCode: secret("FVNB01") });
  hk.addToAccount("FLTNEIGH1", { name: "Neighbour camera" });
  hk.addArea("Fault site 0 (neighbour)");
  fixtureKeys.add(`hikconnect:devices:${recorder.id}`);
  for (const a of camAreas) fixtureKeys.add(`hikconnect:areas:${a}`);

  // Billing: a home for the switches; neighbours at our addresses with another letter, and at a
  // house number that contains ours.
  const bl = s.billing.emulator;
  const switchHome = bl.homes.add({ STREET: "Fault street for switches", S_NUMBER: 1 }).ID;
  const switchHomeB = bl.homes.add({ STREET: "Fault street for switches", S_NUMBER: 2 }).ID;
  fixtureKeys.add(`billing:homes:${switchHome}`).add(`billing:homes:${switchHomeB}`);
  bl.homes.add({ STREET: "Fault street", S_NUMBER: 1, S_LITER: "Б" });
  bl.homes.add({ STREET: "Fault street", S_NUMBER: 11 });
  bl.switches.add({ HOME_ID: switchHome, NAME: "Neighbour switch", IP: ipToInteger("10.98.0.100") });

  const cases: FaultCase[] = [
    {
      token: "forpost:Account",
      className: "ForpostAccount",
      inputs: (i) => ({
        name: `Fault subscriber ${i}`,
        contractNumber: `FLT-${i}`,
        maxCameraCount: 8,
        maxLoginCount: 3,
        maxCameraOnlineTranslationCount: 4,
        maxCameraArchivalTranslationCount: 2,
        maxCameraUserOnlineTranslationCount: 2,
        maxCameraUserArchivalTranslationCount: 1,
        allowedTariffIds: [1, 2],
        defaultCameraTariffId: 2,
      }),
      update: (x) => ({ ...x, maxCameraCount: 16, allowedTariffIds: [1, 2, 3] }),
    },
    {
      token: "forpost:User",
      className: "ForpostUser",
      inputs: (i) => ({ accountId: String(parentA), login: `fault-user-${i}`, password: secret(`fault-only-user-pw-${i}`), isReadOnly: true }),
      update: (x) => ({ ...x, email: "fault@example.org" }),
      replace: (x) => ({ ...x, accountId: String(parentB) }),
    },
    {
      token: "forpost:Camera",
      className: "ForpostCamera",
      inputs: (i) => ({
        accountId: String(parentA),
        name: `Fault camera ${i}`,
        masterId: 1,
        login: "admin",
        password: secret(`fault-only-cam-pw-${i}`),
        ipOrDomain: "192.0.2.10",
        port: 554,
        protocol: "rtsp",
        streamPath: "/play.sdp",
      }),
      update: (x) => ({ ...x, isSound: true }),
      replace: (x) => ({ ...x, accountId: String(parentB) }),
    },
    {
      token: "forpost:UserCameraAccess",
      className: "ForpostUserCameraAccess",
      inputs: (i) => ({ userId: String(viewers[i]), cameraId: String(accessCams[i]), review: true, viewArchive: true }),
      update: (x) => ({ ...x, snapshot: true }),
      replace: (x, i) => ({ ...x, cameraId: String(accessCams[n + i]) }),
    },
    {
      token: "stalker:Account",
      className: "StalkerAccount",
      inputs: (i) => ({
        login: `fault-tv-${i}`,
        password: secret(`fault-only-tv-pw-${i}`),
        fullName: `Fault viewer ${i}`,
        accountNumber: `${3000 + i}`,
        tariffPlan: "FULL",
        stbMac: `00:1A:79:01:00:${hex2(i)}`,
      }),
      update: (x) => ({ ...x, fullName: `${String(x["fullName"])} renamed`, tariffPlan: "BASIC" }),
      replace: (x) => ({ ...x, login: `${String(x["login"])}-b` }),
    },
    {
      token: "stalker:ChannelSubscription",
      className: "StalkerChannelSubscription",
      inputs: (i) => ({ login: `faultbox${i}`, mac: boxMac(i), channels: ["27"] }),
      update: (x) => ({ ...x, channels: ["27", "41"] }),
      replace: (x, i) => ({ ...x, login: `faultbox${n + i}`, mac: boxMac(n + i) }),
    },
    {
      token: "stalker:MenuRestrictions",
      className: "StalkerMenuRestrictions",
      inputs: (i) => ({ login: `faultbox${2 * n + i}`, mac: boxMac(2 * n + i), restricted: ["vclub"] }),
      update: (x) => ({ ...x, restricted: ["vclub", "karaoke"] }),
      replace: (x, i) => ({ ...x, login: `faultbox${3 * n + i}`, mac: boxMac(3 * n + i) }),
    },
    {
      token: "vsaas:Organization",
      className: "VsaasOrganization",
      inputs: (i) => ({ title: `Fault family ${i}`, owner: `fault${i}@example.org`, tariffPlanIds: [549] }),
      update: (x) => ({ ...x, tariffPlanIds: [549, 550] }),
      replace: (x) => ({ ...x, title: `${String(x["title"])} (moved)` }),
    },
    {
      token: "vsaas:User",
      className: "VsaasUser",
      inputs: (i) => ({ login: `fault-user-${i}@example.org`, password: secret(`fault-only-vsaas-pw-${i}`), leaveDefaultOrganization: true }),
      update: (x) => ({ ...x, leaveDefaultOrganization: false }),
      replace: (x, i) => ({ ...x, login: `fault-user-${i}-b@example.org` }),
    },
    {
      token: "vsaas:OrganizationUser",
      className: "VsaasOrganizationUser",
      inputs: (i) => ({ watcherOrganizationId: memberOrgs[i], userId: memberUsers[i] }),
      // Every input replaces (the API has no update).
      update: (x) => ({ ...x, canEditOrganizationCameras: true }),
      replace: (x, i) => ({ ...x, userId: memberUsers[n + i] }),
    },
    {
      token: "vsaas:FolderAccess",
      className: "VsaasFolderAccess",
      inputs: (i) => ({ membershipId: `${folderOrgs[i]}/${folderUsers[i]}`, folderId: vs.watcher.folders(folderOrgs[i]!)[0]!["id"], canViewDvr: true }),
      update: (x) => ({ ...x, canUsePtz: true }),
    },
    {
      token: "hikconnect:Device",
      className: "HikDevice",
      inputs: (i) => ({
        serialNo: `FLT${String(i).padStart(6, "0")}`,
        verifyCode: verify(i),
        name: `Fault camera ${i}`,
        timeZoneId: "26",
        userName: "admin",
        password: secret(`fhk-only-pw-${i}`),
      }),
      update: (x) => ({ ...x, name: `${String(x["name"])} renamed` }),
      replace: (x, i) => ({ ...x, serialNo: `FLT${String(n + i).padStart(6, "0")}`, verifyCode: verify(n + i) }),
    },
    {
      token: "hikconnect:Area",
      className: "HikArea",
      // The API cannot delete areas: destroy retains them (the leak check knows).
      inputs: (i) => ({ name: `Fault site ${i}`, onDestroy: "retain" }),
      update: (x) => ({ ...x, onDestroy: "fail" }),
    },
    {
      token: "hikconnect:AreaCamera",
      className: "HikAreaCamera",
      inputs: (i) => ({ areaId: camAreas[0], channelId: channels[i], name: `Fault area camera ${i}` }),
      // Every input replaces.
      update: (x) => ({ ...x, name: `${String(x["name"])} renamed` }),
      replace: (x, i) => ({ ...x, channelId: channels[n + i] }),
    },
    {
      token: "billing:Home",
      className: "BillingHome",
      inputs: (i) => ({ street: "Fault street", number: i + 1, liter: "А", city: "Казань", zipCode: "420111", connectDate: "2024-03-01" }),
      update: (x) => ({ ...x, zipCode: "420112" }),
    },
    {
      token: "billing:Switch",
      className: "BillingSwitch",
      inputs: (i) => ({ homeId: switchHome, name: `Fault switch ${i}`, ip: `10.98.0.${i + 1}`, switchType: "D-Link DES-3200-28", portsCount: 28, pswSnmp: secret(`fault-only-snmp-${i}`) }),
      update: (x) => ({ ...x, name: `${String(x["name"])} (renamed)` }),
      replace: (x) => ({ ...x, homeId: switchHomeB }),
    },
  ];
  return { cases, fixtureKeys };
}
