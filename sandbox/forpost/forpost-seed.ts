import { ACCOUNT_DEFAULTS, type ForpostAccountFields } from "./forpost-account";
import type { ForpostCatalogues } from "./forpost-catalogues";
import { accessKey, type ForpostData } from "./forpost-data";
import { CAMERA_DEFAULTS, passwordDigest, USER_DEFAULTS, type ForpostCameraRecord, type ForpostUserRecord } from "./forpost-records";

export interface ForpostSeedOptions {
  /** How many subscriber accounts to add. */
  accounts: number;
  /** Users per account: the first is the account administrator, the others read-only family members. Default 2. */
  usersPerAccount?: number;
  /** Cameras per account. Default 2. */
  camerasPerAccount?: number;
  /** Contract numbers are `<prefix><6 digits>`, counting from `firstContract`. Default "C-" and 1. */
  contractPrefix?: string;
  firstContract?: number;
  /** Seed of the pseudo-random choices (names, tariffs, models), so two runs seed the same data. Default 1. */
  seed?: number;
}

/** One seeded subscriber: its account, users and cameras. */
export interface SeededSubscriber {
  accountId: number;
  contractNumber: string;
  name: string;
  userIds: number[];
  logins: string[];
  cameraIds: number[];
}

export interface ForpostSeedResult {
  subscribers: SeededSubscriber[];
}

const SURNAMES = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков", "Морозов", "Волков", "Фёдоров"];
const NAMES = ["Иван", "Пётр", "Алексей", "Сергей", "Дмитрий", "Андрей", "Михаил", "Николай", "Ольга", "Анна", "Мария", "Елена"];
/** Every account has cameras with these names: neighbours share camera names, never cameras. */
const CAMERA_NAMES = ["Подъезд", "Двор", "Парковка", "Вход", "Коридор", "Склад"];

/**
 * Fills the emulator with `accounts` realistic subscribers, directly in its store (no API calls,
 * no request log entries), for discovery and benchmarks at 2,000–10,000 subscribers:
 * - accounts named like people ("Иванов Иван", several share a surname and name), contract numbers
 *   `C-000001`, `C-000002`, …, limits and tariffs that vary;
 * - users: `<contract>` (the administrator) and `<contract>-2`, `-3`, … (read-only; each login is
 *   a prefix-neighbour of the next, to catch matching that is not exact);
 * - cameras named from a short list, so every account has a "Подъезд" and a "Двор": a look-up by
 *   name that is not limited to its account finds the neighbour's;
 * - each read-only user may watch live and the archive of every camera of its account.
 * Deterministic for a given `seed`.
 */
export function seedForpostData(data: ForpostData, catalogues: ForpostCatalogues, options: ForpostSeedOptions): ForpostSeedResult {
  const usersPerAccount = options.usersPerAccount ?? 2;
  const camerasPerAccount = options.camerasPerAccount ?? 2;
  const prefix = options.contractPrefix ?? "C-";
  const first = options.firstContract ?? 1;
  const random = mulberry32(options.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const userPassword = passwordDigest("seeded-user-password");
  const cameraPassword = passwordDigest("seeded-camera-password");
  const subscribers: SeededSubscriber[] = [];
  for (let i = 0; i < options.accounts; i++) {
    const number = first + i;
    const contractNumber = `${prefix}${String(number).padStart(6, "0")}`;
    const name = `${pick(SURNAMES)} ${pick(NAMES)}`;
    const fields: ForpostAccountFields = {
      ...ACCOUNT_DEFAULTS,
      Name: name,
      MaxCameraCount: Math.max(camerasPerAccount, pick([2, 4, 8])),
      MaxLoginCount: Math.max(usersPerAccount, pick([2, 3, 5])),
      MaxCameraOnlineTranslationCount: 4,
      MaxCameraArchivalTranslationCount: 2,
      MaxCameraUserOnlineTranslationCount: 2,
      MaxCameraUserArchivalTranslationCount: 1,
      ContractNumber: contractNumber,
      Quota: pick([604_800, 1_209_600, null]),
    };
    const account = data.accounts.create(fields);
    const allowed = pick([[], [1, 2], [1, 2, 3]]);
    data.accounts.update(account.ID, { AllowedTariffIDs: allowed, DefaultCameraTariffID: allowed.length ? pick(allowed) : pick([0, 1]) });

    const login = contractNumber.toLowerCase().replace(/[^a-z0-9]/g, "");
    const users: ForpostUserRecord[] = [];
    for (let u = 0; u < usersPerAccount; u++) {
      users.push(
        data.users.create({
          ...USER_DEFAULTS,
          AccountID: account.ID,
          Login: u === 0 ? login : `${login}-${u + 1}`,
          Email: u === 0 ? `${login}@example.org` : null,
          FIO: name,
          IsReadOnly: u === 0 ? 0 : 1,
          PasswordDigest: userPassword,
        }),
      );
    }
    const cameras: ForpostCameraRecord[] = [];
    for (let c = 0; c < camerasPerAccount; c++) {
      const model = pick(catalogues.models);
      cameras.push(
        data.cameras.create({
          ...CAMERA_DEFAULTS,
          Name: CAMERA_NAMES[c % CAMERA_NAMES.length]! + (c >= CAMERA_NAMES.length ? ` ${Math.floor(c / CAMERA_NAMES.length) + 1}` : ""),
          AccountID: account.ID,
          MasterID: pick(catalogues.masters).ID,
          Login: "admin",
          IPOrDomain: `10.${(number >> 8) & 255}.${number & 255}.${10 + c}`,
          Port: 554,
          CameraModelID: model.ID,
          Protocol: model.detects.Protocol,
          MJPEG: model.detects.MJPEG,
          RecordType: pick([1, 2]),
          IsSound: pick([0, 1]) as 0 | 1,
          PasswordDigest: cameraPassword,
          GroupIDs: [],
        }),
      );
    }
    for (const user of users.slice(1)) {
      for (const camera of cameras) {
        data.access.set(accessKey(user.ID, camera.ID), { UserID: user.ID, CameraID: camera.ID, Review: 1, ViewArchive: 1, Admin: 0, PTZ: 0, Download: 0, Snapshot: 1 });
      }
    }
    subscribers.push({
      accountId: account.ID,
      contractNumber,
      name,
      userIds: users.map((u) => u.ID),
      logins: users.map((u) => u.Login),
      cameraIds: cameras.map((c) => c.ID),
    });
  }
  return { subscribers };
}

/** Seeds a running (or not yet started) emulator; see {@link seedForpostData}. */
export function seedForpost(emulator: { seed(options: ForpostSeedOptions): ForpostSeedResult }, options: ForpostSeedOptions): ForpostSeedResult {
  return emulator.seed(options);
}

/** A small deterministic PRNG (mulberry32): the same seed gives the same subscribers. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
