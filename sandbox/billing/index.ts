/** The ISP billing cashier API (`api.php`) emulator, over HTTPS with client certificates. */
export { generateBillingCertificates, type BillingCertificates, type CertificateOptions, type IssuedCertificate } from "./billing-certificates";
export {
  API_PATH,
  BillingEmulator,
  startBillingEmulator,
  type BillingEmulatorOptions,
  type BillingHomeInput,
  type BillingSwitchInput,
  type BillingSettings,
  type BillingState,
} from "./billing-emulator";
export type { BillingHome, BillingHomeFields } from "./billing-homes";
export { integerToIp, ipToInteger } from "./billing-ip";
export { DOCUMENTED_PROCEDURES, type BillingProcedure, type FindMatching } from "./billing-procedures";
export { seedBilling, type BillingSeedOptions, type BillingSeedResult, type SeededSubscriber as BillingSeededSubscriber } from "./billing-seed";
export type { BillingSwitch, BillingSwitchFields } from "./billing-switches";
export { USR_GET_COLUMNS, USR_PASSWORD_COLUMNS, type BillingUser, type BillingUserInput } from "./billing-users";
export type { BillingElementNames, BillingEncoding } from "./billing-xml";
