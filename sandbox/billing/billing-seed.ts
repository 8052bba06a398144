import type { BillingEmulator } from "./billing-emulator";
import { ipToInteger } from "./billing-ip";

/** What {@link seedBilling} fills the billing with. */
export interface BillingSeedOptions {
  /** Subscribers (END_USER 1) to create. */
  subscribers: number;
  /** Contract numbers are this prefix plus a six-digit counter: `D-000001`. Default `D-`. */
  contractPrefix?: string;
  /** The first contract number's counter. Default 1. */
  firstContract?: number;
  /** Subscribers per home (each home has one access switch, every fifth home a second). Default 40. */
  subscribersPerHome?: number;
  /** Every n-th subscriber is deleted (DELETED 1: still listed, no longer served). Default 50; 0 for none. */
  deletedEvery?: number;
  /** Seed of the generator: the same options give the same billing. Default 1. */
  seed?: number;
  /**
   * Every n-th subscriber has IPTV: a set-top box (STB_MAC, STB_IP) and an IPTV SIP_ID. Default 3:
   * the subscribers on the "Домашний + ТВ" tariff; 1 gives every subscriber a box (the
   * from-billing example provisions IPTV for each subscriber that has one); 0 none.
   */
  iptvEvery?: number;
}

/** One seeded subscriber, as tests and benchmarks need it. */
export interface SeededSubscriber {
  id: number;
  contractNumber: string;
  login: string;
  name: string;
  homeId: number;
  switchId: number;
  deleted: boolean;
  /** The Stalker account the subscriber's IPTV service points at (its SIP_ID), if the subscriber has IPTV. */
  iptvSipId?: string;
}

export interface BillingSeedResult {
  /** The two groups the subscribers belong to (END_USER 0): private persons and companies. */
  groups: number[];
  homes: number[];
  switches: number[];
  subscribers: SeededSubscriber[];
}

const STREETS = ["улица Ленина", "проспект Победы", "улица Баумана", "улица Пушкина", "Садовая улица", "улица Гагарина", "улица Мира", "Школьная улица"];
const SURNAMES = ["Иванов", "Петров", "Сидоров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов", "Новиков"];
const NAMES = ["Иван", "Пётр", "Алексей", "Сергей", "Андрей", "Дмитрий", "Ольга", "Елена", "Наталья", "Мария"];
const TARIFFS: Array<[number, string]> = [
  [1, "Домашний 100"],
  [2, "Домашний 500"],
  [3, "Домашний + ТВ"],
];

/**
 * Fills the billing emulator with `subscribers` realistic subscribers behind its API's back (as the
 * billing's own interface would: no dhcpd restarts counted): two groups, homes with access switches
 * (management passwords set), and subscribers with unique contract numbers and logins, IPs, phones,
 * the home's switch and port, some with IPTV (a set-top box MAC and a SIP_ID) — and every
 * password-like column (PSW, GEN_PWD, AD_PASS) filled, so tests can check they never leak.
 * Neighbours share homes, switches, surnames and tariffs; a few subscribers are deleted. The
 * passwords are generated, never fixed in the repository. Deterministic for the same options.
 */
export function seedBilling(emulator: BillingEmulator, options: BillingSeedOptions): BillingSeedResult {
  const random = mulberry32(options.seed ?? 1);
  const secret = (length: number) => Array.from({ length }, () => "abcdefghjkmnpqrstuvwxyz23456789"[Math.floor(random() * 31)]).join("");
  const prefix = options.contractPrefix ?? "D-";
  const first = options.firstContract ?? 1;
  const perHome = Math.max(1, options.subscribersPerHome ?? 40);
  const deletedEvery = options.deletedEvery ?? 50;
  const iptvEvery = options.iptvEvery ?? 3;

  const groups = [
    emulator.users.add({ LOGIN: "group-private", NAME: "Физические лица", END_USER: 0 }).USER_ID,
    emulator.users.add({ LOGIN: "group-business", NAME: "Юридические лица", END_USER: 0 }).USER_ID,
  ] as number[];

  const homes: number[] = [];
  const switches: number[] = [];
  const homeSwitches: number[][] = [];
  const homeCount = Math.ceil(options.subscribers / perHome);
  for (let h = 0; h < homeCount; h++) {
    const street = STREETS[h % STREETS.length]!;
    const number = 1 + Math.floor(h / STREETS.length);
    const home = emulator.homes.add({ STREET: street, S_NUMBER: number, CITY: "Казань", REGION: "Республика Татарстан", COUNTRY: "Россия", ZIP_CODE: String(420000 + (h % 200)), PULL_ID: 1 });
    homes.push(home.ID);
    const mine: number[] = [];
    for (let s = 0; s < (h % 5 === 4 ? 2 : 1); s++) {
      const row = emulator.switches.add({
        NAME: `${street}, ${number}: коммутатор ${s + 1}`,
        // Management addresses 10.200.0.1, 10.200.0.2, … one per switch.
        IP: ipToInteger("10.200.0.0") + switches.length + 1,
        SWITCH_TYPE: "D-Link DES-3200-28",
        PSW_SNMP: secret(12),
        PSW_SSH: secret(12),
        PSW_TELNET: null,
        HOME_ID: home.ID,
        PORTS_CNT: 28,
      });
      mine.push(row.ID);
      switches.push(row.ID);
    }
    homeSwitches.push(mine);
  }

  const subscribers: SeededSubscriber[] = [];
  for (let i = 0; i < options.subscribers; i++) {
    const counter = first + i;
    const contractNumber = `${prefix}${String(counter).padStart(6, "0")}`;
    const login = `${prefix.replace(/[^A-Za-z0-9]/g, "").toLowerCase()}${String(counter).padStart(6, "0")}`;
    const h = Math.floor(i / perHome);
    const homeId = homes[h]!;
    const own = homeSwitches[h]!;
    const switchId = own[i % own.length]!;
    const switchIp = emulator.switches.get(switchId)!.IP;
    const name = `${SURNAMES[Math.floor(random() * SURNAMES.length)]} ${NAMES[Math.floor(random() * NAMES.length)]}`;
    const [tariffId, tariff] = TARIFFS[i % TARIFFS.length]!;
    // With the default (3) these are exactly the subscribers on tariff 3, "Домашний + ТВ".
    const iptv = iptvEvery > 0 && i % iptvEvery === iptvEvery - 1;
    const deleted = deletedEvery > 0 && (i + 1) % deletedEvery === 0;
    const business = i % 17 === 0;
    const mac = (base: number) => [0x00, 0x1a, 0x79, (base >> 16) & 0xff, (base >> 8) & 0xff, base & 0xff].map((b) => b.toString(16).padStart(2, "0")).join(":");
    const user = emulator.users.add({
      PARENT_ID: groups[business ? 1 : 0]!,
      LOGIN: login,
      NAME: name,
      EMAIL: `${login}@example.org`,
      CONTRACT_NUMBER: contractNumber,
      TARIF_ID: tariffId,
      TARIF_TXT: tariff,
      IP: ipToInteger(`100.${64 + Math.floor(i / 65536)}.${Math.floor(i / 256) % 256}.${i % 256}`),
      MAC: mac(i),
      PSW: secret(8),
      GEN_PWD: secret(10),
      AD_PASS: i % 10 === 0 ? secret(14) : null,
      SMS: `+7917${String(1000000 + i).slice(-7)}`,
      HOME_ID: homeId,
      A_HOME_NUMBER: 1 + (i % perHome),
      SWITCH_ID: switchId,
      ROUTER_IP: switchIp,
      ROUTER_PORT: 1 + (i % 24),
      ROUTER_VLAN: 100 + (h % 3000),
      BALANCE: Math.round(random() * 100000) / 100,
      DEBIT: 0,
      ENABLED: deleted ? 0 : 1,
      DELETED: deleted ? 1 : 0,
      CREATE_DATE: `2024-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`,
      STB_MAC: iptv ? mac(0x800000 + i) : null,
      STB_IP: iptv ? ipToInteger(`172.16.${Math.floor(i / 256) % 256}.${i % 256}`) : null,
      SIP_IDS: iptv ? [`${100000 + counter}`] : [],
    });
    subscribers.push({
      id: user.USER_ID as number,
      contractNumber,
      login,
      name,
      homeId,
      switchId,
      deleted,
      ...(iptv ? { iptvSipId: `${100000 + counter}` } : {}),
    });
  }
  return { groups, homes, switches, subscribers };
}

/** A small deterministic generator (mulberry32). */
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
