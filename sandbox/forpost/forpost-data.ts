import { ForpostAccountStore } from "./forpost-account-store";
import { RecordTable, type ForpostAccessRecord, type ForpostCameraRecord, type ForpostUserRecord } from "./forpost-records";

export interface ForpostDataOptions {
  firstAccountId: number;
  firstUserId: number;
  firstCameraId: number;
  /** Camera addresses reachable after a reset (see {@link ForpostData.reachable}). */
  reachableCameras: readonly string[];
}

/**
 * Everything the emulator stores: accounts (with their tariff settings), users, cameras, camera
 * access rights, and which camera addresses the "service" can reach. Deletes cascade the way a
 * database with foreign keys would: an account takes its users and cameras along, a user or a
 * camera its access rights (the document is silent on all of it).
 */
export class ForpostData {
  readonly accounts: ForpostAccountStore;
  readonly users: RecordTable<ForpostUserRecord>;
  readonly cameras: RecordTable<ForpostCameraRecord>;
  /** Access rights by `<UserID>/<CameraID>`. */
  readonly access = new Map<string, ForpostAccessRecord>();
  /**
   * Camera addresses the service can connect to: `host` (any port) or `host:port`, hosts compared
   * without case. Empty by default: a camera that is not listed is unreachable, so AddCamera
   * without SkipCameraCheck=1 fails unless a test says the camera is online.
   */
  readonly reachable = new Set<string>();

  constructor(private readonly options: ForpostDataOptions) {
    this.accounts = new ForpostAccountStore(options.firstAccountId);
    this.users = new RecordTable(options.firstUserId);
    this.cameras = new RecordTable(options.firstCameraId);
    this.resetReachable();
  }

  /** Deletes an account with its users, cameras and their access rights; false when it did not exist. */
  deleteAccount(id: number): boolean {
    if (!this.accounts.delete(id)) return false;
    for (const userId of this.users.deleteWhere((user) => user.AccountID === id)) this.dropAccess((row) => row.UserID === userId);
    for (const cameraId of this.cameras.deleteWhere((camera) => camera.AccountID === id)) this.dropAccess((row) => row.CameraID === cameraId);
    return true;
  }

  deleteUser(id: number): boolean {
    if (!this.users.delete(id)) return false;
    this.dropAccess((row) => row.UserID === id);
    return true;
  }

  deleteCamera(id: number): boolean {
    if (!this.cameras.delete(id)) return false;
    this.dropAccess((row) => row.CameraID === id);
    return true;
  }

  isReachable(host: string, port: number): boolean {
    const h = host.trim().toLowerCase();
    return this.reachable.has(h) || this.reachable.has(`${h}:${port}`);
  }

  reset(): void {
    this.accounts.reset();
    this.users.reset();
    this.cameras.reset();
    this.access.clear();
    this.resetReachable();
  }

  private resetReachable(): void {
    this.reachable.clear();
    for (const address of this.options.reachableCameras) this.reachable.add(address.trim().toLowerCase());
  }

  private dropAccess(match: (row: ForpostAccessRecord) => boolean): void {
    for (const [key, row] of this.access) if (match(row)) this.access.delete(key);
  }
}

export function accessKey(userId: number, cameraId: number): string {
  return `${userId}/${cameraId}`;
}
