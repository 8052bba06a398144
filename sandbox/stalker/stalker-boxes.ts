import type { SandboxRequest } from "../core";
import { asList, intval, phpFormFields } from "./php-form";
import type { StalkerAccountRecord } from "./stalker-account";
import { StalkerError, type StalkerAccountStore } from "./stalker-account-store";

/**
 * ITV_SUBSCRIPTION and STB_MODULES: settings of a set-top box (in Stalker, of the account that has
 * the box), addressed by MAC or account number. Where the document is silent the sandbox does what
 * Stalker's own v1 implementation is known to do, hazards included, so that a client which trusts
 * an answer or an address too much fails here and not in production:
 *
 * - an identifier with a shared account number addresses every box on it, for GET and PUT alike;
 * - an identifier that matches no box is no filter at all: a GET answers EVERY box's subscription,
 *   and a PUT of `sub_ch` rewrites every box's subscription (Stalker runs its update over an empty
 *   list of boxes without a WHERE). A client must check that a MAC belongs to its box before a PUT,
 *   and match answers to MACs itself;
 * - an account has no subscription row until one is written: it is missing from the answers.
 */

/** `GET /itv_subscription[/<ids>]`. */
export function getSubscriptions(store: StalkerAccountStore, ids: readonly string[]): unknown {
  const boxes = store.resolveBoxes(ids);
  const rows = boxes.length > 0 ? boxes : store.list();
  return rows.filter(hasRow).map(subscriptionGetRow);
}

/** `PUT /itv_subscription[/<ids>]` with `sub_ch[]=…` and/or `additional_services_on=…`. */
export function putSubscriptions(store: StalkerAccountStore, ids: readonly string[], request: SandboxRequest): unknown {
  const data = phpFormFields(request);
  if (Object.keys(data).length === 0) throw new StalkerError("HTTP PUT data is empty");
  if (data["sub_ch"] === undefined && data["additional_services_on"] === undefined) throw new StalkerError("Update data is empty");
  const boxes = store.resolveBoxes(ids);
  const flag = data["additional_services_on"];
  if (flag !== undefined) store.setBoxFields(boxes, { additional_services_on: intval(flag) !== 0 ? 1 : 0 });
  const channels = data["sub_ch"];
  if (channels !== undefined) {
    // Not a list (`sub_ch=27`) is stored as no channels, as Stalker does.
    const list = Array.isArray(channels) ? channels : [];
    store.setBoxFields(boxes.length > 0 ? boxes : store.list().filter(hasRow), { sub_ch: list });
  }
  const after = boxes.length > 0 ? store.resolveBoxes(ids) : store.list();
  return after.filter(hasRow).map(subscriptionPutRow);
}

/** `GET /stb_modules/<id>`: exactly one box. */
export function getModules(store: StalkerAccountStore, ids: readonly string[]): unknown {
  const boxes = store.resolveBoxes(ids);
  if (boxes.length === 0) throw new StalkerError("Empty stb list");
  // Counted in boxes, not identifiers: an account number with two boxes is refused too.
  if (boxes.length !== 1) throw new StalkerError("Only one identifier allowed");
  return modulesAnswer(boxes[0]!);
}

/**
 * `PUT /stb_modules/<ids>` with `disabled[]=…` and/or `restricted[]=…`: applied to EVERY box the
 * identifiers address; answers the first box's lists. `restricted[]=` stores `[""]`, as the
 * document's example 2 answers it.
 */
export function putModules(store: StalkerAccountStore, ids: readonly string[], request: SandboxRequest): unknown {
  const boxes = store.resolveBoxes(ids);
  if (boxes.length === 0) throw new StalkerError("Empty stb list");
  const data = phpFormFields(request);
  if (Object.keys(data).length === 0) throw new StalkerError("HTTP PUT data is empty");
  const disabled = data["disabled"];
  const restricted = data["restricted"];
  if (disabled === undefined && restricted === undefined) throw new StalkerError("Update data is empty");
  if (disabled !== undefined) store.setBoxFields(boxes, { modules_disabled: asList(disabled) });
  if (restricted !== undefined) store.setBoxFields(boxes, { modules_restricted: asList(restricted) });
  return modulesAnswer(store.byLogin(boxes[0]!.login)!);
}

function hasRow(record: StalkerAccountRecord): boolean {
  return record.sub_ch !== null;
}

// The document's examples write `ls` as a number in GET answers (1553) and as a string in the PUT
// answer ("1553"), and `additional_services_on` always as a string.
function subscriptionGetRow(record: StalkerAccountRecord): Record<string, unknown> {
  return {
    mac: record.stb_mac,
    sub_ch: [...record.sub_ch!],
    ls: /^\d{1,15}$/.test(record.account_number) ? Number(record.account_number) : record.account_number,
    additional_services_on: String(record.additional_services_on),
  };
}

function subscriptionPutRow(record: StalkerAccountRecord): Record<string, unknown> {
  return { sub_ch: [...record.sub_ch!], mac: record.stb_mac, ls: record.account_number, additional_services_on: String(record.additional_services_on) };
}

function modulesAnswer(record: StalkerAccountRecord): Record<string, string[]> {
  return { disabled: [...record.modules_disabled], restricted: [...record.modules_restricted] };
}
