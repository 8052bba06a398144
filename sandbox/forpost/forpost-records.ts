import { createHash } from "node:crypto";
import type { ForpostFieldSpec } from "./forpost-account";

/**
 * Users, cameras and camera access rights of the emulator, as the document's AddUser / AddCamera /
 * UpdateUserCameraAccessRights fields name them. Passwords are kept as SHA-256 digests only, so
 * no state dump, log or answer can show one.
 */

/** The user fields of "Добавление пользователя" (AddUser), without the password. */
export interface ForpostUserFields {
  AccountID: number;
  Login: string;
  Email: string | null;
  Phone: string | null;
  FIO: string | null;
  IsReadOnly: 0 | 1;
  CanChangeOwnInfo: 0 | 1;
  ChangePasswordAtNextLogin: 0 | 1;
  AuthProviderID: number | null;
  IsActive: 0 | 1;
}

export interface ForpostUserRecord extends ForpostUserFields {
  ID: number;
  /** SHA-256 of the password (hex); never answered. */
  PasswordDigest: string;
}

/** AddUser's fields in the document's order (Password is handled on its own). */
export const USER_FIELDS: ReadonlyArray<ForpostFieldSpec<keyof ForpostUserFields>> = [
  { name: "AccountID", kind: "id", required: true },
  { name: "Login", kind: "text", required: true },
  { name: "Email", kind: "text", required: false },
  { name: "Phone", kind: "text", required: false },
  { name: "FIO", kind: "text", required: false },
  { name: "IsReadOnly", kind: "flag", required: false },
  { name: "CanChangeOwnInfo", kind: "flag", required: false },
  { name: "ChangePasswordAtNextLogin", kind: "flag", required: false },
  { name: "AuthProviderID", kind: "id", required: false },
  { name: "IsActive", kind: "flag", required: false },
];

/** The document's defaults: IsReadOnly 0, CanChangeOwnInfo 1, ChangePasswordAtNextLogin 0, IsActive 1; the standard password check. */
export const USER_DEFAULTS = {
  Email: null,
  Phone: null,
  FIO: null,
  IsReadOnly: 0,
  CanChangeOwnInfo: 1,
  ChangePasswordAtNextLogin: 0,
  AuthProviderID: null,
  IsActive: 1,
} as const satisfies Partial<ForpostUserFields>;

/** GetAccountUsers' answer for a user: exactly the documented fields. */
export function userAnswer(user: ForpostUserRecord): Record<string, unknown> {
  return { ID: user.ID, Login: user.Login, IsActive: user.IsActive, IsReadOnly: user.IsReadOnly, AccountID: user.AccountID, Email: user.Email };
}

/** The camera fields of "Добавление камеры" (AddCamera) that are stored (SkipCameraCheck is not: it only steers the call). */
export interface ForpostCameraFields {
  Name: string;
  AccountID: number;
  AccountObjectID: number | null;
  MasterID: number;
  Login: string;
  IPOrDomain: string;
  Port: number;
  HTTPPort: number | null;
  IsSound: 0 | 1;
  RecordType: number;
  MaxBandwidth: number | null;
  Address: string | null;
  CameraModelID: number | null;
  Protocol: string | null;
  RtspTransport: string | null;
  MJPEG: string | null;
  PTZTypeID: number | null;
  Quota: number | null;
  LightCameraBufferEnabled: 0 | 1;
  IsActive: 0 | 1;
  SecretKey: 0 | 1;
  SyncCamera: 0 | 1;
  Channel: number | null;
  MAC: string | null;
}

export interface ForpostCameraRecord extends ForpostCameraFields {
  ID: number;
  /** SHA-256 of the camera password, null when none was given; never answered. */
  PasswordDigest: string | null;
  /** Camera groups of the account it is in (made in the web portal; the API only reads them). */
  GroupIDs: number[];
}

/** AddCamera's fields in the document's order (Password and SkipCameraCheck are handled on their own). */
export const CAMERA_FIELDS: ReadonlyArray<ForpostFieldSpec<keyof ForpostCameraFields>> = [
  { name: "Name", kind: "text", required: true },
  { name: "AccountID", kind: "id", required: true },
  { name: "AccountObjectID", kind: "id", required: false },
  { name: "MasterID", kind: "id", required: true },
  { name: "Login", kind: "text", required: true },
  { name: "IPOrDomain", kind: "text", required: true },
  { name: "Port", kind: "port", required: true },
  { name: "HTTPPort", kind: "port", required: false },
  { name: "IsSound", kind: "flag", required: false },
  { name: "RecordType", kind: "count", required: false },
  { name: "MaxBandwidth", kind: "count", required: false },
  { name: "Address", kind: "text", required: false },
  { name: "CameraModelID", kind: "id", required: false },
  { name: "Protocol", kind: "text", required: false },
  { name: "RtspTransport", kind: "text", required: false },
  { name: "MJPEG", kind: "text", required: false },
  { name: "PTZTypeID", kind: "id", required: false },
  { name: "Quota", kind: "count", required: false },
  { name: "LightCameraBufferEnabled", kind: "flag", required: false },
  { name: "IsActive", kind: "flag", required: false },
  { name: "SecretKey", kind: "flag", required: false },
  { name: "SyncCamera", kind: "flag", required: false },
  { name: "Channel", kind: "count", required: false },
  { name: "MAC", kind: "text", required: false },
];

/** The document's defaults: IsSound 0, no recording (0), IsActive 1, SecretKey 0, SyncCamera 1; the rest unset. */
export const CAMERA_DEFAULTS = {
  AccountObjectID: null,
  HTTPPort: null,
  IsSound: 0,
  RecordType: 0,
  MaxBandwidth: null,
  Address: null,
  CameraModelID: null,
  Protocol: null,
  RtspTransport: null,
  MJPEG: null,
  PTZTypeID: null,
  Quota: null,
  LightCameraBufferEnabled: 0,
  IsActive: 1,
  SecretKey: 0,
  SyncCamera: 1,
  Channel: null,
  MAC: null,
} as const satisfies Partial<ForpostCameraFields>;

/** The rights of one user on one camera (UpdateUserCameraAccessRights). */
export interface ForpostAccessRights {
  Review: 0 | 1;
  ViewArchive: 0 | 1;
  Admin: 0 | 1;
  PTZ: 0 | 1;
  Download: 0 | 1;
  Snapshot: 0 | 1;
}

export interface ForpostAccessRecord extends ForpostAccessRights {
  UserID: number;
  CameraID: number;
}

export const RIGHT_NAMES = ["Review", "ViewArchive", "Admin", "PTZ", "Download", "Snapshot"] as const;

/**
 * A copy of a flat record (values are primitives or arrays of primitives). Much cheaper than
 * structuredClone, which matters when seeding 10,000 subscribers or listing them.
 */
export function cloneRecord<T extends object>(record: T): T {
  const copy = { ...record } as Record<string, unknown>;
  for (const [key, value] of Object.entries(copy)) if (Array.isArray(value)) copy[key] = [...value];
  return copy as T;
}

export function passwordDigest(password: string): string {
  return createHash("sha256").update(password, "utf8").digest("hex");
}

/**
 * Records with IDs that increase from `firstId` and are never reused after a delete (an
 * AUTO_INCREMENT column); `reset()` starts over. Reads return copies.
 */
export class RecordTable<T extends { ID: number }> {
  private readonly records = new Map<number, T>();
  private nextId: number;

  constructor(private readonly firstId: number) {
    this.nextId = firstId;
  }

  get nextRecordId(): number {
    return this.nextId;
  }

  create(fields: Omit<T, "ID">): T {
    const record = { ID: this.nextId++, ...fields } as T;
    this.records.set(record.ID, record);
    return cloneRecord(record);
  }

  get(id: number): T | undefined {
    const record = this.records.get(id);
    return record && cloneRecord(record);
  }

  /** Every record, by ascending ID, optionally filtered. */
  list(filter?: (record: T) => boolean): T[] {
    return [...this.records.values()]
      .filter((record) => !filter || filter(record))
      .sort((a, b) => a.ID - b.ID)
      .map((record) => cloneRecord(record));
  }

  update(id: number, changes: Partial<T>): T | undefined {
    const record = this.records.get(id);
    if (!record) return undefined;
    Object.assign(record, cloneRecord(changes));
    return cloneRecord(record);
  }

  delete(id: number): boolean {
    return this.records.delete(id);
  }

  /** Deletes the records matching `filter`; returns their IDs. */
  deleteWhere(filter: (record: T) => boolean): number[] {
    const ids = [...this.records.values()].filter(filter).map((record) => record.ID);
    for (const id of ids) this.records.delete(id);
    return ids;
  }

  reset(): void {
    this.records.clear();
    this.nextId = this.firstId;
  }
}
