import { z } from "zod";
import { formFieldCredentials } from "../core/auth";
import { VendorApiError, VendorAuthError } from "../core/errors";
import { HttpTransport, type HttpAnswer } from "../core/transport";
import { wireInt } from "../core/wire";
import { forpostConfig } from "./config";

/** An account as FindAccounts / masAccounts return it: `ID` plus the AddAccount field names. */
export type ForpostAccountRecord = { ID: number } & Record<string, unknown>;

export interface ForpostTariff {
  ID: number;
  Name: string;
  Comment?: string;
  Price?: number;
}

/** Form parameters in wire names (`Name`, `MaxCameraCount`, …), already encoded. */
export type ForpostParams = Array<[string, string]>;

const accountRecord = z.looseObject({ ID: wireInt });
/** Documented as an array; a lone object or an empty answer are accepted too. */
const accountList = z.union([
  z.array(accountRecord),
  accountRecord.transform((r) => [r]),
  z.null().transform(() => []),
  z.object({}).strict().transform(() => []),
]);
const idAnswer = z.looseObject({ ID: wireInt });
/** GetAccountDefaultCameraTariff: `{ID: n}`; 0, null or no ID mean "no default". */
const optionalIdAnswer = z.looseObject({ ID: z.union([wireInt, z.null(), z.literal("")]).optional() });
const tariffList = z.array(
  z.looseObject({
    ID: wireInt,
    Name: z.string(),
    Comment: z.string().nullish(),
    Price: z.union([z.number(), z.string().transform(Number)]).nullish(),
  }),
);
const idList = z.union([z.array(z.looseObject({ ID: wireInt })), z.null().transform(() => [])]);

/** ErrorCode values the System API documents. */
const ERROR_MEANING: Record<number, string> = {
  1: "unknown error on the Forpost side",
  2: "parameter validation failed",
  3: "access denied",
};

/**
 * Forpost System API 1.6.9 client: one method per endpoint. Every call is a form-urlencoded POST
 * to `<url>/system-api/<Method>` carrying AdminLogin/AdminPassword; answers are JSON; errors are
 * `{ErrorCode, Error}` under whatever HTTP status the server picks.
 */
export class ForpostClient {
  constructor(private readonly transport: HttpTransport) {}

  /** A client for the configured Forpost (stack config or environment), shared per process. */
  static fromConfig(): ForpostClient {
    const config = forpostConfig.load();
    if (!cached || cached.config !== config) {
      const transport = new HttpTransport({
        vendor: "forpost",
        baseUrl: config.url,
        timeoutMs: config.timeoutSeconds * 1000,
        maxRetries: config.maxRetries,
        maxConcurrentRequests: config.maxConcurrentRequests,
        auth: formFieldCredentials({ AdminLogin: config.adminLogin, AdminPassword: config.adminPassword }, ["AdminPassword"]),
        isRetryableAnswer: (answer, request) =>
          !isForpostError(answer) && ([429, 502, 503, 504].includes(answer.status) || (answer.status >= 500 && request.idempotent)),
      });
      cached = { config, client: new ForpostClient(transport) };
    }
    return cached.client;
  }

  /** AddAccount → the new account's ID. Not idempotent: never retried once it may have arrived. */
  async addAccount(params: ForpostParams): Promise<number> {
    return (await this.call("AddAccount", params, { idempotent: false }, idAnswer)).ID;
  }

  /** EditAccount with only the fields that change, as the document requires. */
  async editAccount(id: number, params: ForpostParams): Promise<void> {
    await this.call("EditAccount", [["ID", String(id)], ...params], { idempotent: true }, idAnswer);
  }

  async deleteAccount(id: number): Promise<void> {
    await this.call("DeleteAccount", [["ID", String(id)]], { idempotent: true }, z.unknown());
  }

  async masAccounts(): Promise<ForpostAccountRecord[]> {
    return this.call("masAccounts", [], { idempotent: true }, accountList);
  }

  /** FindAccounts; `name` matches part of the name, `id` and `contractNumber` match exactly. */
  async findAccounts(filter: { id?: number; name?: string; contractNumber?: string }): Promise<ForpostAccountRecord[]> {
    const params: ForpostParams = [];
    if (filter.id !== undefined) params.push(["ID", String(filter.id)]);
    if (filter.name !== undefined) params.push(["Name", filter.name]);
    if (filter.contractNumber !== undefined) params.push(["ContractNumber", filter.contractNumber]);
    return this.call("FindAccounts", params, { idempotent: true }, accountList);
  }

  async getTariffs(): Promise<ForpostTariff[]> {
    const list = await this.call("GetTariffs", [], { idempotent: true }, tariffList);
    return list.map((t) => ({ ID: t.ID, Name: t.Name, Comment: t.Comment ?? undefined, Price: t.Price ?? undefined }));
  }

  /** An empty list makes every tariff available to the account's cameras (per the document). */
  async setAllowedAccountTariffs(accountId: number, tariffIds: number[]): Promise<void> {
    const params: ForpostParams = [
      ["AccountID", String(accountId)],
      ["TariffIDList", JSON.stringify(tariffIds)],
    ];
    await this.call("SetAllowedAccountTariffs", params, { idempotent: true }, z.unknown());
  }

  async getAllowedAccountTariffs(accountId: number): Promise<number[]> {
    const list = await this.call("GetAllowedAccountTariffs", [["AccountID", String(accountId)]], { idempotent: true }, idList);
    return list.map((t) => t.ID);
  }

  /** 0 clears the default. */
  async setAccountDefaultCameraTariff(accountId: number, tariffId: number): Promise<void> {
    const params: ForpostParams = [
      ["AccountID", String(accountId)],
      ["TariffID", String(tariffId)],
    ];
    await this.call("SetAccountDefaultCameraTariff", params, { idempotent: true }, z.unknown());
  }

  /** The default tariff for new cameras, 0 when there is none. */
  async getAccountDefaultCameraTariff(accountId: number): Promise<number> {
    const answer = await this.call(
      "GetAccountDefaultCameraTariff",
      [["AccountID", String(accountId)]],
      { idempotent: true },
      z.union([optionalIdAnswer, z.null().transform(() => ({ ID: undefined }))]),
    );
    return typeof answer.ID === "number" ? answer.ID : 0;
  }

  private async call<T>(method: string, params: ForpostParams, opts: { idempotent: boolean }, schema: z.ZodType<T>): Promise<T> {
    const answer = await this.transport.send({
      operation: method,
      method: "POST",
      path: `/system-api/${method}`,
      form: params,
      idempotent: opts.idempotent,
    });
    const error = forpostError(answer);
    if (error) throw toVendorError(method, answer.status, error);
    if (answer.status >= 400) {
      throw new VendorApiError(`Forpost ${method} failed: HTTP ${answer.status} without a Forpost error in the answer`, {
        vendor: "forpost",
        operation: method,
        httpStatus: answer.status,
        retryable: answer.status >= 500 || answer.status === 429,
      });
    }
    const parsed = schema.safeParse(answer.json());
    if (!parsed.success) {
      throw new VendorApiError(
        `Forpost ${method} answered in an unexpected shape (${parsed.error.issues[0]?.message ?? "invalid"}); ` +
          `is forpost:url pointing at a Forpost System API?`,
        { vendor: "forpost", operation: method, httpStatus: answer.status },
      );
    }
    return parsed.data;
  }
}

let cached: { config: ReturnType<typeof forpostConfig.load>; client: ForpostClient } | undefined;

/** `{ErrorCode, Error}` with a non-zero code, whatever the HTTP status. */
function forpostError(answer: HttpAnswer): { code: number; text: string } | undefined {
  let body: unknown;
  try {
    body = JSON.parse(answer.text());
  } catch {
    return undefined;
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) return undefined;
  const raw = (body as Record<string, unknown>).ErrorCode;
  const code = typeof raw === "string" && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof code !== "number" || code === 0) return undefined;
  const text = (body as Record<string, unknown>).Error;
  return { code, text: typeof text === "string" ? text : "" };
}

function isForpostError(answer: HttpAnswer): boolean {
  return forpostError(answer) !== undefined;
}

function toVendorError(method: string, httpStatus: number, error: { code: number; text: string }): VendorApiError {
  const meaning = ERROR_MEANING[error.code] ?? "error";
  const detail = error.text ? `: ${error.text}` : "";
  const details = { vendor: "forpost" as const, operation: method, code: String(error.code), httpStatus };
  if (error.code === 3) {
    return new VendorAuthError(
      `Forpost ${method} failed: access denied (ErrorCode 3${detail}). Check the admin credentials: ` +
        `forpost:adminLogin / FORPOST_ADMIN_LOGIN and forpost:adminPassword / FORPOST_ADMIN_PASSWORD.`,
      details,
    );
  }
  return new VendorApiError(`Forpost ${method} failed: ${meaning} (ErrorCode ${error.code}${detail})`, details);
}
