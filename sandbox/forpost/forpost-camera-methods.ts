import { MOTION_RECORD_TYPE } from "./forpost-catalogues";
import { ForpostError, validationError } from "./forpost-errors";
import type { ForpostMethodContext, ForpostParams } from "./forpost-methods";
import { CAMERA_DEFAULTS, CAMERA_FIELDS, passwordDigest, type ForpostCameraFields, type ForpostCameraRecord } from "./forpost-records";
import { existingAccount, listFilter } from "./forpost-user-methods";
import { MAX_TEXT_LENGTH, parseIdParameter, validateFields } from "./forpost-validation";

/** Fields whose change makes the service connect to the camera again (and so check it is reachable). */
const CONNECTION_FIELDS: ReadonlyArray<keyof ForpostCameraFields> = ["IPOrDomain", "Port", "Login", "Protocol", "MJPEG", "RtspTransport", "CameraModelID", "Channel"];

/**
 * AddCamera, GetCameras, EditCamera, DeleteCamera, SyncCamera and the camera catalogues.
 *
 * Where the document is silent the sandbox decides:
 * - Reachability: the service "checks the physical availability" of a camera unless
 *   SkipCameraCheck=1; here a camera is reachable when its address is in the emulator's reachable
 *   list (empty by default). An unreachable camera is ErrorCode 2 and nothing is added. EditCamera
 *   checks again when a connection field changes (the same SkipCameraCheck turns it off).
 * - Without CameraModelID, Protocol and MJPEG are required. With one, a reachable camera gets
 *   them from the model ("the service tries to pick the connection parameters itself"); an
 *   unreachable (or unchecked) one still needs them.
 * - CameraMotionDetectorError is answered only when the camera records on motion (record type 2)
 *   but was not contacted (SkipCameraCheck=1), so its built-in detector could not be set up.
 * - MaxCameraCount is enforced only with `enforceAccountLimits`.
 * - GetCameras answers the documented fields only; Quota is the camera's own or, when it has none,
 *   the account's ("если не указано, то берется из аккаунта"); an `ID` that matches nothing is `[]`.
 * - EditCamera may move a camera to another account (AccountID is an AddCamera field).
 * - Account objects (GetObjects/AddObject) are not emulated, so any AccountObjectID is accepted.
 */
export const CAMERA_METHODS = {
  AddCamera(params: ForpostParams, context: ForpostMethodContext) {
    const validated = validateFields<ForpostCameraFields>(CAMERA_FIELDS, params, "add");
    if (!validated.ok) throw validationError(validated.errors);
    const password = optionalPassword(params);
    const skipCheck = skipFlag(params);
    const fields = { ...CAMERA_DEFAULTS, ...validated.value } as ForpostCameraFields;
    const account = existingAccount(fields.AccountID, context);
    checkCameraReferences(fields, context);
    if (context.enforceAccountLimits) {
      const count = context.data.cameras.list((camera) => camera.AccountID === account.ID).length;
      if (count >= account.MaxCameraCount) throw validationError([`Account ${account.ID} already has ${count} cameras (MaxCameraCount ${account.MaxCameraCount})`]);
    }
    const reachable = !skipCheck && context.data.isReachable(fields.IPOrDomain, fields.Port);
    if (!skipCheck && !reachable) throw unreachable(fields);
    if (fields.Protocol === null || fields.MJPEG === null) {
      const model = fields.CameraModelID === null ? undefined : context.catalogues.models.find((m) => m.ID === fields.CameraModelID);
      if (!model) throw validationError([missingConnection(fields)]);
      if (!reachable) throw validationError([`could not detect the connection parameters of model ${model.Name} without reaching the camera: give Protocol and MJPEG`]);
      fields.Protocol ??= model.detects.Protocol;
      fields.MJPEG ??= model.detects.MJPEG;
    }
    const camera = context.data.cameras.create({ ...fields, PasswordDigest: password === undefined ? null : passwordDigest(password), GroupIDs: [] });
    const answer: Record<string, unknown> = { ID: camera.ID };
    if (skipCheck && fields.RecordType === MOTION_RECORD_TYPE) {
      answer["CameraMotionDetectorError"] = "The camera was not contacted (SkipCameraCheck=1): its motion detector is not configured";
    }
    return answer;
  },

  GetCameras(params: ForpostParams, context: ForpostMethodContext) {
    const filter = listFilter(params, "AccountID", context);
    const withParents = params["IncludeParentGroups"] === "1";
    const cameras = context.data.cameras.list((camera) => filter(camera.ID, camera.AccountID));
    return context.read(cameras.map((camera) => cameraAnswer(camera, context, withParents)));
  },

  EditCamera(params: ForpostParams, context: ForpostMethodContext) {
    const camera = existingCamera(params, context);
    const validated = validateFields<ForpostCameraFields>(CAMERA_FIELDS, params, "edit");
    if (!validated.ok) throw validationError(validated.errors);
    const password = optionalPassword(params);
    const changes = validated.value;
    if (changes.AccountID !== undefined) existingAccount(changes.AccountID, context);
    const after = { ...camera, ...changes } as ForpostCameraRecord;
    checkCameraReferences(after, context);
    if ((after.Protocol === null || after.MJPEG === null) && after.CameraModelID === null) throw validationError([missingConnection(after)]);
    const reconnects = password !== undefined || CONNECTION_FIELDS.some((name) => changes[name] !== undefined && changes[name] !== camera[name]);
    if (reconnects && !skipFlag(params) && !context.data.isReachable(after.IPOrDomain, after.Port)) throw unreachable(after);
    context.data.cameras.update(camera.ID, { ...changes, ...(password === undefined ? {} : { PasswordDigest: passwordDigest(password) }) });
    return { ID: camera.ID };
  },

  DeleteCamera(params: ForpostParams, context: ForpostMethodContext) {
    const camera = existingCamera(params, context);
    context.data.deleteCamera(camera.ID);
    return { Status: 1 };
  },

  SyncCamera(params: ForpostParams, context: ForpostMethodContext) {
    const camera = existingCamera(params, context);
    if (!context.data.isReachable(camera.IPOrDomain, camera.Port)) throw unreachable(camera);
    return { Status: 1 };
  },

  GetMasters: (_params: ForpostParams, context: ForpostMethodContext) => context.read(context.catalogues.masters.map((m) => ({ ...m }))),

  GetCameraModels(params: ForpostParams, context: ForpostMethodContext) {
    let brandId: number | undefined;
    if (params["BrandID"] !== undefined && params["BrandID"] !== "") {
      const parsed = parseIdParameter(params, "BrandID");
      if (!parsed.ok) throw validationError(parsed.errors);
      brandId = parsed.value;
    }
    const models = context.catalogues.models.filter((m) => brandId === undefined || m.BrandID === brandId);
    return context.read(models.map((m) => ({ ID: m.ID, Name: m.Name })));
  },

  GetCameraModelsAndBrands: (_params: ForpostParams, context: ForpostMethodContext) =>
    context.read({
      Models: context.catalogues.models.map((m) => ({ ID: m.ID, Name: m.Name, BrandID: m.BrandID })),
      Brands: context.catalogues.brands.map((b) => ({ ...b })),
    }),

  GetCameraBrands: (_params: ForpostParams, context: ForpostMethodContext) => context.read(context.catalogues.brands.map((b) => ({ ...b }))),
  GetRecordTypes: (_params: ForpostParams, context: ForpostMethodContext) => context.read(context.catalogues.recordTypes.map((r) => ({ ...r }))),
  GetProtocols: (_params: ForpostParams, context: ForpostMethodContext) => context.read(context.catalogues.protocols.map((p) => ({ ...p }))),
  GetRtspTransports: (_params: ForpostParams, context: ForpostMethodContext) => context.read(context.catalogues.rtspTransports.map((t) => ({ ...t }))),
  GetPTZTypes: (_params: ForpostParams, context: ForpostMethodContext) => context.read(context.catalogues.ptzTypes.map((p) => ({ ...p }))),
};

/** GetCameras' answer for one camera: exactly the documented fields. */
export function cameraAnswer(camera: ForpostCameraRecord, context: ForpostMethodContext, withParents = false): Record<string, unknown> {
  const accountQuota = context.data.accounts.get(camera.AccountID)?.Quota ?? null;
  return {
    ID: camera.ID,
    Name: camera.Name,
    IsActive: camera.IsActive,
    IsSound: camera.IsSound,
    RecordType: camera.RecordType,
    MaxBandwidth: camera.MaxBandwidth,
    Quota: camera.Quota ?? accountQuota,
    Groups: camera.GroupIDs.map((id) => ({ ID: id })),
    ...(withParents ? { ParentGroups: [] } : {}),
  };
}

export function existingCamera(params: ForpostParams, context: ForpostMethodContext, name = "ID"): ForpostCameraRecord {
  const id = parseIdParameter(params, name);
  if (!id.ok) throw validationError(id.errors);
  const camera = context.data.cameras.get(id.value);
  if (!camera) throw new ForpostError(2, `Camera ${id.value} does not exist`);
  return camera;
}

function checkCameraReferences(fields: Partial<ForpostCameraFields>, context: ForpostMethodContext): void {
  const { catalogues } = context;
  const errors: string[] = [];
  const known = <T>(value: T | null | undefined, list: ReadonlyArray<{ ID: T }>, what: string, name: string) => {
    if (value !== undefined && value !== null && !list.some((entry) => entry.ID === value)) errors.push(`${name}: ${what} ${String(value)} does not exist`);
  };
  known(fields.MasterID, catalogues.masters, "cluster", "MasterID");
  known(fields.CameraModelID, catalogues.models, "camera model", "CameraModelID");
  known(fields.Protocol, catalogues.protocols, "protocol", "Protocol");
  known(fields.RtspTransport, catalogues.rtspTransports, "RTSP transport", "RtspTransport");
  known(fields.PTZTypeID, catalogues.ptzTypes, "PTZ type", "PTZTypeID");
  if (fields.RecordType !== undefined && fields.RecordType !== 0) known(fields.RecordType, catalogues.recordTypes, "record type", "RecordType");
  if (errors.length > 0) throw validationError(errors);
}

function optionalPassword(params: ForpostParams): string | undefined {
  const password = params["Password"];
  if (password === undefined || password === "") return undefined;
  if (password.length > MAX_TEXT_LENGTH) throw validationError([`Password must be at most ${MAX_TEXT_LENGTH} characters`]);
  return password;
}

function skipFlag(params: ForpostParams): boolean {
  const raw = params["SkipCameraCheck"];
  if (raw === undefined || raw === "" || raw === "0") return false;
  if (raw === "1") return true;
  throw validationError(["SkipCameraCheck must be 1 or 0"]);
}

function unreachable(camera: Pick<ForpostCameraFields, "IPOrDomain" | "Port">): ForpostError {
  return validationError([`Camera ${camera.IPOrDomain}:${camera.Port} is not reachable; it was not added or changed (SkipCameraCheck=1 skips the check)`]);
}

function missingConnection(fields: Pick<ForpostCameraFields, "Protocol" | "MJPEG">): string {
  const missing = [fields.Protocol === null ? "Protocol" : "", fields.MJPEG === null ? "MJPEG" : ""].filter(Boolean);
  return `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} required when CameraModelID is not given`;
}
