import { CreateOutcomeUnknownError, type CreateContext } from "../core/adoption";
import { describeError, mayStillBeRunning, VendorApiError } from "../core/errors";
import type { AddDeviceRequest, DeviceDetail, HikConnectClient } from "./client";
import { DEVICE_ADD_PENDING_CODES, DEVICE_NAME_TAKEN_CODE, DEVICE_TAKEN_CODES } from "./codes";

/** Sends of devices/add one create makes at most (each after the platform certainly did not apply the one before). */
const MAX_ADDS = 3;

/**
 * The devices on the account with this serial number, exactly. A serial is one physical device and
 * the account can hold it once, so this is at most one. `devicedetail/get` finds it directly (its
 * table allows serials of up to 16 characters); a longer one is looked for with devices/get's fuzzy
 * `matchKey` and matched exactly.
 */
export async function devicesWithSerial(client: HikConnectClient, serialNo: string): Promise<Array<{ id: string; label: string }>> {
  const wanted = serialNo.trim();
  if (wanted.length <= 16) {
    const detail = await client.deviceDetail(wanted);
    return detail && detail.serialNo === wanted ? [{ id: detail.id, label: detail.name }] : [];
  }
  const found: Array<{ id: string; label: string }> = [];
  for (let page = 1; ; page++) {
    const { records } = await client.listDevices(page, 500, wanted);
    for (const d of records) if (d.serialNo === wanted) found.push({ id: d.id, label: d.name });
    if (records.length < 500) return found;
  }
}

/**
 * devices/add, never blindly repeated. Whenever an answer is lost (timeout, dropped connection, a
 * gateway's 5xx) — on whichever attempt — the device is looked up by its serial before anything
 * else: found → it is this create's device. Not found → sent again only if the platform certainly
 * finished with the lost request (not a timeout or 504, which may still be running). A refusal
 * saying the account already has the device (EVZ20017, VMS021302, VMS021303) after any lost add
 * of ours means that lost add took effect: the device is looked up again. When the outcome cannot
 * be told — the look-up fails, or finds nothing while the add may still be running — the create
 * ends with {@link CreateOutcomeUnknownError}: the stack keeps a placeholder that the next
 * `pulumi up` / `refresh` / `destroy` resolves by serial number.
 *
 * Returns the device id, and its detail when the look-up already read it.
 */
export async function addDeviceOnce(
  client: HikConnectClient,
  request: AddDeviceRequest,
  context: CreateContext,
): Promise<{ id: string; detail?: DeviceDetail }> {
  const serial = request.deviceInfo.ezvizSerialNo;
  let lost: VendorApiError | undefined;
  const ours = async (cause: VendorApiError, what: string): Promise<string | undefined> => {
    let found: string[];
    try {
      found = await context.findNew();
    } catch (lookupError) {
      throw new CreateOutcomeUnknownError(
        `${cause.message}; ${what}, and looking device ${serial} up by its serial number failed too (${describeError(lookupError)})`,
        { cause },
      );
    }
    if (found.length > 1) throw new Error(`Hik-Connect lists ${found.length} devices with serial number ${serial} (ids ${found.join(", ")}); remove the extra ones`);
    return found[0];
  };

  for (let attempt = 1; ; attempt++) {
    try {
      const id = await client.addDevice(request);
      if (id) return { id };
      // Added, but the answer did not name the id: the serial finds it.
      const detail = await client.deviceDetail(serial);
      if (detail?.serialNo === serial) return { id: detail.id, detail };
      throw new CreateOutcomeUnknownError(`Hik-Connect said device ${serial} was added, but devicedetail/get does not find it yet`);
    } catch (error) {
      if (!(error instanceof VendorApiError)) throw error;
      const code = error.code ?? "";
      // After a lost add of ours, "the name is taken" may be our own device too (a platform that
      // checks names before serials).
      if (DEVICE_TAKEN_CODES.includes(code) || (lost && code === DEVICE_NAME_TAKEN_CODE)) {
        if (lost) {
          // "Already added" after a lost add of ours: that add took effect; the look-up just after
          // it ran before the platform showed the device (still in progress, or a lagging read).
          const id = await ours(error, `an earlier devices/add of this create had lost its answer (${lost.message})`);
          if (id) return { id };
          throw new CreateOutcomeUnknownError(`${error.message}; an earlier devices/add of this create lost its answer and the device does not show yet`, { cause: error });
        }
        throw await alreadyOnAccount(client, serial, error);
      }
      if (DEVICE_ADD_PENDING_CODES.includes(code)) {
        // "Adding the device (timed out) / refreshing: try again later": it may still be added.
        lost = error;
        const id = await ours(error, "the platform says it is still adding the device");
        if (id) return { id };
        throw new CreateOutcomeUnknownError(`${error.message}; the platform is still adding device ${serial}`, { cause: error });
      }
      if (!error.outcomeUnknown) throw error;
      lost = error;
      const id = await ours(error, "the answer was lost");
      if (id) return { id };
      if (mayStillBeRunning(error)) {
        // We stopped waiting, the platform may not have: a look-up without it proves nothing yet,
        // and another add could race the first one.
        throw new CreateOutcomeUnknownError(`${error.message}; device ${serial} is not on the account yet, but the lost devices/add may still be running`, { cause: error });
      }
      if (attempt >= MAX_ADDS) throw error;
      // The platform ended the exchange without doing it (the device is not there): sending the
      // same add again cannot duplicate it.
    }
  }
}

/** A refusal because the account already has the serial, with the device's id and how to adopt it. */
async function alreadyOnAccount(client: HikConnectClient, serial: string, cause: VendorApiError): Promise<Error> {
  let holder = "";
  let importHint = '`{ import: "<deviceId>" }`';
  try {
    const [found] = await devicesWithSerial(client, serial);
    if (found) {
      holder = ` (id ${found.id}, ${JSON.stringify(found.label)})`;
      importHint = `\`{ import: "${found.id}" }\``;
    }
  } catch {
    // The look-up is a courtesy; the refusal is what matters.
  }
  return new VendorApiError(
    `Hik-Connect already has device ${serial} on this account${holder} (${cause.code}); refusing to add it twice. To manage it ` +
      `with this program, add the resource option \`{ adoptExisting: true }\` (or ${importHint}); otherwise change serialNo.`,
    { vendor: "hikconnect", operation: "devices/add", ...(cause.code ? { code: cause.code } : {}), cause },
  );
}
