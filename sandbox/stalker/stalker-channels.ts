import { StalkerError } from "./stalker-account-store";

/**
 * A TV channel of the ITV resource. The document lists `id`, `name`, `number` and `base_ch`
 * ("идентификатор базового канала"); the sandbox reads `base_ch` as Stalker's flag: 1 for a channel
 * of the base package every box gets, 0 for an optional channel a box needs `sub_ch` for.
 */
export interface StalkerChannel {
  id: string;
  name: string;
  number: number;
  base_ch: 0 | 1;
}

/**
 * Channels a fresh emulator has: a few base ones and optional packages, with the document's own
 * example ("М-TV Украина", number 64, id 37) and its subscription examples' ids 27, 29 and 58.
 */
export const DEFAULT_CHANNELS: readonly StalkerChannel[] = [
  { id: "1", name: "Первый канал", number: 1, base_ch: 1 },
  { id: "2", name: "Россия 1", number: 2, base_ch: 1 },
  { id: "3", name: "НТВ", number: 3, base_ch: 1 },
  { id: "4", name: "Euronews", number: 10, base_ch: 1 },
  { id: "27", name: "Discovery Channel", number: 27, base_ch: 0 },
  { id: "29", name: "National Geographic", number: 29, base_ch: 0 },
  { id: "37", name: "М-TV Украина", number: 64, base_ch: 0 },
  { id: "41", name: "Eurosport 1", number: 41, base_ch: 0 },
  { id: "42", name: "Eurosport 2", number: 42, base_ch: 0 },
  { id: "58", name: "Disney Channel", number: 58, base_ch: 0 },
  { id: "61", name: "Nickelodeon", number: 61, base_ch: 0 },
  { id: "70", name: "Кино ТВ", number: 70, base_ch: 0 },
];

/** The channels of the emulator, in order of their number. */
export class StalkerChannelStore {
  private channels: StalkerChannel[];

  constructor(private readonly initial: readonly StalkerChannel[]) {
    this.channels = structuredClone([...initial]);
  }

  list(): StalkerChannel[] {
    return structuredClone([...this.channels].sort((a, b) => a.number - b.number || Number(a.id) - Number(b.id)));
  }

  /** `GET /itv[/<id>,…]`: every channel, or those with the given ids (unknown ids are left out). */
  byIds(ids: readonly string[]): StalkerChannel[] {
    const all = this.list();
    if (ids.length === 0) return all;
    const wanted = new Set(ids);
    return all.filter((c) => wanted.has(c.id));
  }

  /** Adds a channel as the admin panel would; its id must be free. */
  add(channel: StalkerChannel): StalkerChannel {
    if (!/^\d+$/.test(channel.id)) throw new StalkerError(`channel id ${channel.id} is not a number`);
    if (this.channels.some((c) => c.id === channel.id)) throw new StalkerError(`channel ${channel.id} exists`);
    this.channels.push(structuredClone(channel));
    return structuredClone(channel);
  }

  remove(id: string): boolean {
    const before = this.channels.length;
    this.channels = this.channels.filter((c) => c.id !== id);
    return this.channels.length < before;
  }

  reset(): void {
    this.channels = structuredClone([...this.initial]);
  }
}

/** A channel as `GET /itv` answers it: the document's example writes every value as a string. */
export function channelAnswer(channel: StalkerChannel): Record<string, string> {
  return { id: channel.id, name: channel.name, number: String(channel.number), base_ch: String(channel.base_ch) };
}
