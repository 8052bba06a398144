import { AdminRequestError } from "../core";
import type { ForpostCatalogues } from "./forpost-catalogues";
import { accessKey, type ForpostData } from "./forpost-data";
import {
  CAMERA_DEFAULTS,
  CAMERA_FIELDS,
  passwordDigest,
  RIGHT_NAMES,
  USER_DEFAULTS,
  USER_FIELDS,
  type ForpostAccessRecord,
  type ForpostAccessRights,
  type ForpostCameraFields,
  type ForpostCameraRecord,
  type ForpostUserFields,
  type ForpostUserRecord,
} from "./forpost-records";
import { validateFields } from "./forpost-validation";
import type { ForpostFieldSpec } from "./forpost-account";

/** A user as the web portal would create it: AddUser's required fields (and a password), any optional ones. */
export type ForpostUserInput = Pick<ForpostUserFields, "AccountID" | "Login"> & Partial<ForpostUserFields> & { Password: string };
/** Changes to a user: any AddUser field, and a new password. */
export type ForpostUserPatch = Partial<ForpostUserFields> & { Password?: string };
/** A camera as the web portal would create it (no reachability check, no catalogue check beyond the API's). */
export type ForpostCameraInput = Pick<ForpostCameraFields, "Name" | "AccountID" | "MasterID" | "Login" | "IPOrDomain" | "Port"> &
  Partial<ForpostCameraFields> & { Password?: string; GroupIDs?: number[] };
/** Changes to a camera: any AddCamera field, a new password, its camera groups. */
export type ForpostCameraPatch = Partial<ForpostCameraFields> & { Password?: string; GroupIDs?: number[] };

/**
 * Test-facing access to the emulator's users, bypassing the System API: changes made in the web
 * portal (drift, deletes, pre-existing users), and whether a user's password is what a test
 * expects (without ever exposing it). Values go through the API's field validation; invalid ones throw.
 */
export class ForpostUserControls {
  constructor(private readonly data: ForpostData) {}

  get(id: number): Omit<ForpostUserRecord, "PasswordDigest"> | undefined {
    const user = this.data.users.get(id);
    return user && withoutDigest(user);
  }

  /** Every user (of one account), by ascending ID. */
  list(accountId?: number): Array<Omit<ForpostUserRecord, "PasswordDigest">> {
    return this.data.users.list((u) => accountId === undefined || u.AccountID === accountId).map(withoutDigest);
  }

  add(input: ForpostUserInput): Omit<ForpostUserRecord, "PasswordDigest"> {
    const { Password, ...fields } = input;
    if (!Password) throw new AdminRequestError("Password is required");
    const validated = validate<ForpostUserFields>(USER_FIELDS, fields, "add");
    requireAccount(this.data, validated.AccountID!);
    const taken = this.data.users.list((u) => u.Login.toLocaleLowerCase() === validated.Login!.toLocaleLowerCase())[0];
    if (taken) throw new AdminRequestError(`login ${validated.Login} is taken by user ${taken.ID}`);
    return withoutDigest(this.data.users.create({ ...USER_DEFAULTS, ...validated, PasswordDigest: passwordDigest(Password) } as Omit<ForpostUserRecord, "ID">));
  }

  patch(id: number, patch: ForpostUserPatch): Omit<ForpostUserRecord, "PasswordDigest"> {
    if (!this.data.users.get(id)) throw new AdminRequestError(`user ${id} does not exist`);
    const { Password, ...fields } = patch;
    const changes: Partial<ForpostUserRecord> = validate<ForpostUserFields>(USER_FIELDS, fields, "edit");
    if (changes.AccountID !== undefined) requireAccount(this.data, changes.AccountID);
    if (Password !== undefined) changes.PasswordDigest = passwordDigest(Password);
    return withoutDigest(this.data.users.update(id, changes)!);
  }

  /** Deletes a user with its access rights; false when it did not exist. */
  delete(id: number): boolean {
    return this.data.deleteUser(id);
  }

  /**
   * What the subscriber's personal cabinet would show after logging in with this login and
   * password — read-only, for acceptance tests ("can the subscriber log in and see their camera?").
   * Undefined when the login fails: no such login (compared without case, like AddUser's
   * uniqueness), a wrong password, the user not active, or its account switched off or with logins
   * locked (IsActive 0 / IsLoginLocked 1). An account administrator (IsReadOnly 0) sees every camera
   * of the account with every right (the document: IsReadOnly "forbid full access to cameras");
   * a read-only user sees only the cameras an access row grants it at least one right on.
   */
  cabinet(login: string, password: string): ForpostCabinet | undefined {
    const user = this.data.users.list((u) => u.Login.toLocaleLowerCase() === login.toLocaleLowerCase())[0];
    if (!user || user.IsActive !== 1 || user.PasswordDigest !== passwordDigest(password)) return undefined;
    const account = this.data.accounts.get(user.AccountID);
    if (!account || account.IsActive === 0 || account.IsLoginLocked === 1) return undefined;
    const cameras = this.data.cameras.list((c) => c.AccountID === user.AccountID);
    const admin = user.IsReadOnly === 0;
    const visible = cameras.flatMap((camera) => {
      if (admin) return [{ id: camera.ID, name: camera.Name, rights: [...RIGHT_NAMES] }];
      const row = this.data.access.get(accessKey(user.ID, camera.ID));
      const rights = row ? RIGHT_NAMES.filter((name) => row[name] === 1) : [];
      return rights.length > 0 ? [{ id: camera.ID, name: camera.Name, rights }] : [];
    });
    return { userId: user.ID, accountId: user.AccountID, admin, cameras: visible };
  }

  /** Whether the user has this password (what a login to the personal cabinet would check). */
  passwordMatches(userId: number, password: string): boolean {
    const user = this.data.users.get(userId);
    return user !== undefined && user.PasswordDigest === passwordDigest(password);
  }
}

/** What a login to the personal cabinet shows (see {@link ForpostUserControls.cabinet}). */
export interface ForpostCabinet {
  userId: number;
  accountId: number;
  /** An account administrator (IsReadOnly 0). */
  admin: boolean;
  /** The cameras the user sees, with the rights it has on each (by the document's names). */
  cameras: Array<{ id: number; name: string; rights: Array<(typeof RIGHT_NAMES)[number]> }>;
}

/** Test-facing access to the emulator's cameras, and to which camera addresses are online. */
export class ForpostCameraControls {
  constructor(
    private readonly data: ForpostData,
    private readonly catalogues: () => ForpostCatalogues,
  ) {}

  get(id: number): Omit<ForpostCameraRecord, "PasswordDigest"> | undefined {
    const camera = this.data.cameras.get(id);
    return camera && withoutDigest(camera);
  }

  /** Every camera (of one account), by ascending ID. */
  list(accountId?: number): Array<Omit<ForpostCameraRecord, "PasswordDigest">> {
    return this.data.cameras.list((c) => accountId === undefined || c.AccountID === accountId).map(withoutDigest);
  }

  /** Adds a camera as the portal would: no reachability check. */
  add(input: ForpostCameraInput): Omit<ForpostCameraRecord, "PasswordDigest"> {
    const { Password, GroupIDs, ...fields } = input;
    const validated = validate<ForpostCameraFields>(CAMERA_FIELDS, fields, "add");
    requireAccount(this.data, validated.AccountID!);
    if (!this.catalogues().masters.some((m) => m.ID === validated.MasterID)) throw new AdminRequestError(`cluster ${validated.MasterID} does not exist`);
    const record = { ...CAMERA_DEFAULTS, ...validated, PasswordDigest: Password ? passwordDigest(Password) : null, GroupIDs: GroupIDs ?? [] };
    return withoutDigest(this.data.cameras.create(record as Omit<ForpostCameraRecord, "ID">));
  }

  patch(id: number, patch: ForpostCameraPatch): Omit<ForpostCameraRecord, "PasswordDigest"> {
    if (!this.data.cameras.get(id)) throw new AdminRequestError(`camera ${id} does not exist`);
    const { Password, GroupIDs, ...fields } = patch;
    const changes: Partial<ForpostCameraRecord> = validate<ForpostCameraFields>(CAMERA_FIELDS, fields, "edit");
    if (changes.AccountID !== undefined) requireAccount(this.data, changes.AccountID);
    if (Password !== undefined) changes.PasswordDigest = passwordDigest(Password);
    if (GroupIDs !== undefined) changes.GroupIDs = [...GroupIDs];
    return withoutDigest(this.data.cameras.update(id, changes)!);
  }

  /** Deletes a camera with the access rights on it; false when it did not exist. */
  delete(id: number): boolean {
    return this.data.deleteCamera(id);
  }

  /** Whether the camera has this password. */
  passwordMatches(cameraId: number, password: string): boolean {
    const camera = this.data.cameras.get(cameraId);
    return camera !== undefined && camera.PasswordDigest === passwordDigest(password);
  }

  /** Camera addresses the service can reach now (`host` or `host:port`), sorted. */
  reachable(): string[] {
    return [...this.data.reachable].sort();
  }

  /** Replaces the reachable addresses: cameras at these addresses are "online", every other one is not. */
  setReachable(addresses: readonly string[]): void {
    this.data.reachable.clear();
    for (const address of addresses) this.data.reachable.add(address.trim().toLowerCase());
  }
}

/** Test-facing access to the emulator's camera access rights. */
export class ForpostAccessControls {
  constructor(private readonly data: ForpostData) {}

  /** Every stored row (of one user), by user then camera; rows set to all zeros are included. */
  list(userId?: number): ForpostAccessRecord[] {
    return [...this.data.access.values()]
      .filter((row) => userId === undefined || row.UserID === userId)
      .sort((a, b) => a.UserID - b.UserID || a.CameraID - b.CameraID)
      .map((row) => ({ ...row }));
  }

  get(userId: number, cameraId: number): ForpostAccessRecord | undefined {
    const row = this.data.access.get(accessKey(userId, cameraId));
    return row && { ...row };
  }

  /** Sets one user's rights on one camera (rights not given are 0), as the portal would. */
  set(userId: number, cameraId: number, rights: Partial<ForpostAccessRights>): ForpostAccessRecord {
    if (!this.data.users.get(userId)) throw new AdminRequestError(`user ${userId} does not exist`);
    if (!this.data.cameras.get(cameraId)) throw new AdminRequestError(`camera ${cameraId} does not exist`);
    const row = { UserID: userId, CameraID: cameraId } as ForpostAccessRecord;
    for (const name of RIGHT_NAMES) {
      const value = rights[name] ?? 0;
      if (value !== 0 && value !== 1) throw new AdminRequestError(`${name} must be 0 or 1`);
      row[name] = value;
    }
    this.data.access.set(accessKey(userId, cameraId), row);
    return { ...row };
  }

  /** Removes a row altogether (which the API itself never does); false when there was none. */
  remove(userId: number, cameraId: number): boolean {
    return this.data.access.delete(accessKey(userId, cameraId));
  }
}

function requireAccount(data: ForpostData, id: number): void {
  if (!data.accounts.get(id)) throw new AdminRequestError(`account ${id} does not exist`);
}

function withoutDigest<T extends { PasswordDigest: unknown }>(record: T): Omit<T, "PasswordDigest"> {
  const { PasswordDigest: _d, ...rest } = record;
  return rest;
}

function validate<T>(specs: ReadonlyArray<ForpostFieldSpec<string>>, fields: Record<string, unknown>, mode: "add" | "edit"): Partial<T> {
  const known = new Set(specs.map((spec) => spec.name));
  const unknown = Object.keys(fields).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new AdminRequestError(`unknown field(s): ${unknown.join(", ")}`);
  const asForm: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    asForm[name] = value === null ? "" : String(value);
  }
  const validated = validateFields<T>(specs, asForm, mode);
  if (!validated.ok) throw new AdminRequestError(validated.errors.join("; "));
  return validated.value;
}
