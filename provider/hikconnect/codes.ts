/**
 * The guide's codes (A.4 "Status and Error Code", and the examples) by what they mean for us. Every
 * "does not exist" and "already exists" code of the guide is listed here once, next to the object
 * it is about; the clients and resources only use these lists.
 */

/**
 * "Device does not exist", in every spelling of the table: VMS021307 (VMS), OPEN000501 (openAPI),
 * CCF021307 and CCF038065 (resource / person services), VMS000003 "No resource found or resource
 * does not exist", and EVZ20002 (Hik-Connect: "incorrect registration region or the device does not
 * exist"). On a read or delete they all mean gone; EVZ20002 on devices/add means the serial is unknown.
 */
export const DEVICE_GONE_CODES: readonly string[] = ["VMS021307", "OPEN000501", "CCF021307", "CCF038065", "VMS000003", "EVZ20002"];

/**
 * devices/add refusals that mean "this account already has the device": EVZ20017 "added by
 * yourself", VMS021302 "The device has been added", VMS021303 "already exists in the system". After
 * a lost add of ours they mean the lost add took effect.
 */
export const DEVICE_TAKEN_CODES: readonly string[] = ["EVZ20017", "VMS021302", "VMS021303"];

/** devices/add refusals for a device that belongs to another account: definitive, never ours. */
export const DEVICE_OTHER_ACCOUNT_CODES: readonly string[] = ["EVZ20013", "VMS021316"];

/**
 * devices/add answers that say the add may still be happening: VMS021301 "Adding the device" and
 * VMS021306 "Adding the device timed out" ("please try again later"), VMS021308 "Refreshing the device".
 */
export const DEVICE_ADD_PENDING_CODES: readonly string[] = ["VMS021301", "VMS021306", "VMS021308"];

/** VMS021305 "The device name already exists": another device of the account has the name. */
export const DEVICE_NAME_TAKEN_CODE = "VMS021305";

/**
 * "Area does not exist": VMS021101 (per item in areadetail/get's example, "Area is not exist([id=…])"),
 * OPEN000031 (the table). OPEN000028 "Area ID is empty" is a request error, not a missing area.
 */
export const AREA_GONE_CODES: readonly string[] = ["VMS021101", "OPEN000031"];

/**
 * A taken area name, in the table's four spellings: OPEN000510 "Area already exists. Edit area
 * name.", VMS021102 "The area already exists", VMS021103 and CCF021103 "Area name already exists".
 */
export const AREA_TAKEN_CODES: readonly string[] = ["OPEN000510", "VMS021102", "VMS021103", "CCF021103"];

/**
 * A logical resource (a channel imported into an area) that does not exist: OPEN000503 "Camera
 * resource does not exist", VMS000003 "No resource found or resource does not exist".
 */
export const RESOURCE_GONE_CODES: readonly string[] = ["OPEN000503", "VMS000003"];

/** OPEN000511 "Resource already exists. Do not add the same resource twice." */
export const RESOURCE_TAKEN_CODES: readonly string[] = ["OPEN000511"];

/** What the limits of the resource tree mean, in words an operator acts on. */
export const TREE_LIMITS: Readonly<Record<string, string>> = {
  VMS021104: "no more areas can be added to this Hik-Connect account (VMS021104) — remove unused areas in the portal",
  VMS021105: "the area tree has reached its maximum depth (VMS021105) — put the area higher up (parentAreaId)",
  VMS021106: "no more logical resources can be added to this Hik-Connect account (VMS021106) — remove unused ones from their areas",
  VMS021107: "no more logical resources can be added to this area (VMS021107) — use another area",
  OPEN000031: "the area does not exist (OPEN000031) — check areaId / parentAreaId",
};
