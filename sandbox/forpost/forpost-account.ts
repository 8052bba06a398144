/** The account fields of Forpost System API 1.6.9 ("Добавление аккаунта"), as the wire names them. */
export interface ForpostAccountFields {
  Name: string;
  MaxCameraCount: number;
  MaxLoginCount: number;
  NetworkIP: string | null;
  NetworkMask: string | null;
  InternalServerAddr: string | null;
  MaxCameraOnlineTranslationCount: number;
  MaxCameraArchivalTranslationCount: number;
  MaxCameraUserOnlineTranslationCount: number;
  MaxCameraUserArchivalTranslationCount: number;
  MaxSMSPerMonth: number | null;
  Quota: number | null;
  IsActive: 0 | 1;
  IsSupportEnabled: 0 | 1;
  ContractNumber: string | null;
  IsLoginLocked: 0 | 1;
  LoginLockReason: string | null;
}

/** An account as `masAccounts` / `FindAccounts` describe it (before any numbers-as-strings rendering). */
export interface ForpostAccount extends ForpostAccountFields {
  ID: number;
}

/** An account with the tariff settings kept beside it (not part of the account answers). */
export interface ForpostAccountRecord extends ForpostAccount {
  /** Tariffs allowed for the account's cameras; empty means all tariffs (as the document says). */
  AllowedTariffIDs: number[];
  /** Default tariff for new cameras; 0 means none. */
  DefaultCameraTariffID: number;
}

/**
 * How a field is validated: `text` any string, `count` ("Число") a non-negative integer, `ipv4` the
 * document's `xxx.xxx.xxx.xxx`, `flag` 1 or 0, `id` a positive integer (a reference to another
 * object), `port` a TCP port (1-65535).
 */
export type ForpostFieldKind = "text" | "count" | "ipv4" | "flag" | "id" | "port";

export interface ForpostFieldSpec<N extends string = keyof ForpostAccountFields> {
  name: N;
  kind: ForpostFieldKind;
  /** Required by the Add… call. */
  required: boolean;
}

/** Every account field in the document's order, which is also the order of the list answers. */
export const ACCOUNT_FIELDS: readonly ForpostFieldSpec[] = [
  { name: "Name", kind: "text", required: true },
  { name: "MaxCameraCount", kind: "count", required: true },
  { name: "MaxLoginCount", kind: "count", required: true },
  { name: "NetworkIP", kind: "ipv4", required: false },
  { name: "NetworkMask", kind: "ipv4", required: false },
  { name: "InternalServerAddr", kind: "ipv4", required: false },
  { name: "MaxCameraOnlineTranslationCount", kind: "count", required: true },
  { name: "MaxCameraArchivalTranslationCount", kind: "count", required: true },
  { name: "MaxCameraUserOnlineTranslationCount", kind: "count", required: true },
  { name: "MaxCameraUserArchivalTranslationCount", kind: "count", required: true },
  { name: "MaxSMSPerMonth", kind: "count", required: false },
  { name: "Quota", kind: "count", required: false },
  { name: "IsActive", kind: "flag", required: false },
  { name: "IsSupportEnabled", kind: "flag", required: false },
  { name: "ContractNumber", kind: "text", required: false },
  { name: "IsLoginLocked", kind: "flag", required: false },
  { name: "LoginLockReason", kind: "text", required: false },
];

/**
 * Values of fields an AddAccount call leaves out. The flags' defaults are the document's
 * (IsActive 1, IsSupportEnabled 0, IsLoginLocked 0). For the other optional fields the document is
 * silent; the sandbox answers `null` for them, as PHP's json_encode renders an unset (NULL) column.
 */
export const ACCOUNT_DEFAULTS = {
  NetworkIP: null,
  NetworkMask: null,
  InternalServerAddr: null,
  MaxSMSPerMonth: null,
  Quota: null,
  IsActive: 1,
  IsSupportEnabled: 0,
  ContractNumber: null,
  IsLoginLocked: 0,
  LoginLockReason: null,
} as const satisfies Partial<ForpostAccountFields>;

/** The wire shape of an account: `ID` first, then the fields in the document's order. */
export function accountAnswer(account: ForpostAccount): Record<string, unknown> {
  const answer: Record<string, unknown> = { ID: account.ID };
  for (const field of ACCOUNT_FIELDS) answer[field.name] = account[field.name];
  return answer;
}
