import { AdminRequestError } from "../core";
import type { StalkerAccountSeed, StalkerEmulator } from "./stalker-emulator";

/** What {@link seedStalker} makes. Every value has a default; the same options give the same subscribers. */
export interface StalkerSeedOptions {
  /** How many accounts (one set-top box each). */
  accounts: number;
  /** Seed of the pseudo-random choices (names, tariffs, channels). Default 1. */
  seed?: number;
  /** Logins are `<loginPrefix><n>` with n zero-padded to 5 digits, from 1. Default `sub`. */
  loginPrefix?: string;
  /** Account numbers are `<numberPrefix><family>`. Default `7`. */
  numberPrefix?: string;
  /** Every n-th account shares the account number of the one before it (a family with two boxes). Default 4. */
  sharedNumberEvery?: number;
  /** Every n-th account has no set-top box MAC (managed by account number only). Default 50. */
  withoutMacEvery?: number;
  /** Share of boxes with optional channels (ITV_SUBSCRIPTION). Default 0.6. */
  subscriptionShare?: number;
  /** Share of boxes with restricted menu sections (STB_MODULES). Default 0.1. */
  restrictionShare?: number;
}

export interface StalkerSeedSummary {
  accounts: number;
  /** Distinct account numbers, and how many of them more than one account shares. */
  accountNumbers: number;
  sharedAccountNumbers: number;
  withoutMac: number;
  withChannels: number;
  withRestrictions: number;
  /** The first and last login made. */
  firstLogin: string;
  lastLogin: string;
}

const FIRST = ["Иван", "Анна", "Пётр", "Мария", "Олег", "Елена", "Сергей", "Ольга", "Дмитрий", "Наталья", "Alex", "Maria"];
const LAST = ["Петров", "Иванова", "Сидоров", "Кузнецова", "Смирнов", "Попова", "Волков", "Соколова", "Lebedev", "Novak"];
const TARIFFS = ["FULL", "STANDART", "BASIC"];
const MODELS = ["MAG250", "MAG322", "MAG420", "MAG524"];

/**
 * Fills a Stalker emulator with realistic subscribers, as `discover` and the benchmarks need them:
 * accounts with logins, names, tariffs and set-top boxes (unique MACs of Infomir's 00:1A:79 range),
 * families whose boxes share one account number (the neighbours a write by account number would
 * hit), a few accounts without a box, optional channels on many boxes and menu restrictions on some.
 * Deterministic: the same options always give the same subscribers. Logins must be free.
 */
export function seedStalker(emulator: StalkerEmulator, options: StalkerSeedOptions): StalkerSeedSummary {
  const n = options.accounts;
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new AdminRequestError("seed: accounts must be a whole number from 1 to 1000000");
  const random = mulberry32(options.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const prefix = options.loginPrefix ?? "sub";
  const numberPrefix = options.numberPrefix ?? "7";
  const sharedEvery = options.sharedNumberEvery ?? 4;
  const withoutMacEvery = options.withoutMacEvery ?? 50;
  const optional = emulator.listChannels().filter((c) => c.base_ch === 0).map((c) => c.id);
  const numbers = new Map<string, number>();
  let family = 0;
  let withoutMac = 0;
  let withChannels = 0;
  let withRestrictions = 0;
  const login = (i: number) => `${prefix}${String(i).padStart(5, "0")}`;
  for (let i = 1; i <= n; i++) {
    if (!(sharedEvery > 0 && i % sharedEvery === 0 && i > 1)) family++;
    const accountNumber = `${numberPrefix}${String(family).padStart(6, "0")}`;
    numbers.set(accountNumber, (numbers.get(accountNumber) ?? 0) + 1);
    const hasBox = !(withoutMacEvery > 0 && i % withoutMacEvery === 0);
    const seed: StalkerAccountSeed = {
      login: login(i),
      password: `seed-pw-${i}`,
      full_name: `${pick(FIRST)} ${pick(LAST)}`,
      account_number: accountNumber,
      tariff_plan: pick(TARIFFS),
      status: random() < 0.05 ? "0" : "1",
    };
    if (hasBox) {
      seed.stb_mac = macOf(i);
      seed.stb_type = pick(MODELS);
      seed.stb_sn = String(100_000_000 + Math.floor(random() * 900_000_000));
      seed.online = random() < 0.3 ? 1 : 0;
      if (optional.length > 0 && random() < (options.subscriptionShare ?? 0.6)) {
        const count = 1 + Math.floor(random() * Math.min(3, optional.length));
        const chosen = new Set<string>();
        while (chosen.size < count) chosen.add(pick(optional));
        seed.sub_ch = [...chosen].sort((a, b) => Number(a) - Number(b));
        withChannels++;
      }
      if (random() < (options.restrictionShare ?? 0.1)) {
        seed.modules_restricted = random() < 0.5 ? ["vclub"] : ["vclub", "karaoke"];
        if (random() < 0.3) seed.modules_disabled = ["radio"];
        withRestrictions++;
      }
    } else withoutMac++;
    emulator.addAccount(seed);
  }
  return {
    accounts: n,
    accountNumbers: numbers.size,
    sharedAccountNumbers: [...numbers.values()].filter((c) => c > 1).length,
    withoutMac,
    withChannels,
    withRestrictions,
    firstLogin: login(1),
    lastLogin: login(n),
  };
}

/** The MAC of seeded box i: 00:1A:79 (Infomir), then 0x10 + i in three bytes, clear of hand-written test MACs. */
function macOf(i: number): string {
  const v = 0x100000 + i;
  return ["00", "1A", "79", (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]
    .map((b) => (typeof b === "string" ? b : b.toString(16).toUpperCase().padStart(2, "0")))
    .join(":");
}

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
