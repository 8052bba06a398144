import { existingCamera } from "./forpost-camera-methods";
import { accessKey } from "./forpost-data";
import { validationError } from "./forpost-errors";
import type { ForpostMethodContext, ForpostParams } from "./forpost-methods";
import { RIGHT_NAMES, type ForpostAccessRecord, type ForpostAccessRights } from "./forpost-records";
import { existingUser } from "./forpost-user-methods";

/** UpdateUserCameraAccessRights' defaults for the optional rights (the document): PTZ 0, Download 1, Snapshot 0. */
const OPTIONAL_DEFAULTS = { PTZ: 0, Download: 1, Snapshot: 0 } as const;
const REQUIRED_RIGHTS = ["Review", "ViewArchive", "Admin"] as const;

/**
 * GetUserCameraAccessRights and UpdateUserCameraAccessRights.
 *
 * Where the document is silent the sandbox decides:
 * - Rights are stored only for pairs someone set; GetUserCameraAccessRights lists those rows, an
 *   account administrator (IsReadOnly 0) included — admins' implicit access to every camera is not
 *   listed.
 * - Setting every right to 0 keeps the row, with zeros (there is no call to delete one), so a
 *   client must read an all-zero row as "no access".
 * - The camera must belong to the user's account (ErrorCode 2 otherwise); an unknown user or
 *   camera is ErrorCode 2.
 */
export const ACCESS_METHODS = {
  GetUserCameraAccessRights(params: ForpostParams, context: ForpostMethodContext) {
    const user = existingUser(params, context, "UserID");
    const rows = [...context.data.access.values()].filter((row) => row.UserID === user.ID).sort((a, b) => a.CameraID - b.CameraID);
    return context.read(rows.map(({ UserID: _u, ...row }) => ({ ...row })));
  },

  UpdateUserCameraAccessRights(params: ForpostParams, context: ForpostMethodContext) {
    const user = existingUser(params, context, "UserID");
    const camera = existingCamera(params, context, "CameraID");
    const errors: string[] = [];
    const rights: Partial<ForpostAccessRights> = {};
    for (const name of RIGHT_NAMES) {
      const raw = params[name];
      if (raw === undefined || raw === "") {
        if ((REQUIRED_RIGHTS as readonly string[]).includes(name)) errors.push(`${name} is required`);
        else rights[name] = OPTIONAL_DEFAULTS[name as keyof typeof OPTIONAL_DEFAULTS];
        continue;
      }
      if (raw !== "0" && raw !== "1") errors.push(`${name} must be 1 or 0`);
      else rights[name] = Number(raw) as 0 | 1;
    }
    if (errors.length > 0) throw validationError(errors);
    if (camera.AccountID !== user.AccountID) throw validationError([`Camera ${camera.ID} does not belong to the account of user ${user.ID}`]);
    const row: ForpostAccessRecord = { UserID: user.ID, CameraID: camera.ID, ...(rights as ForpostAccessRights) };
    context.data.access.set(accessKey(user.ID, camera.ID), row);
    return { Status: 1 };
  },
};
