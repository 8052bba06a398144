/** The ISP billing cashier API (`api.php`) emulator, over HTTPS with client certificates. */
export { generateBillingCertificates, type BillingCertificates, type CertificateOptions, type IssuedCertificate } from "./billing-certificates";
export {
  API_PATH,
  BillingEmulator,
  startBillingEmulator,
  type BillingEmulatorOptions,
  type BillingHomeInput,
  type BillingSettings,
  type BillingState,
} from "./billing-emulator";
export type { BillingHome, BillingHomeFields } from "./billing-homes";
export { DOCUMENTED_PROCEDURES, type BillingProcedure } from "./billing-procedures";
export type { BillingElementNames, BillingEncoding } from "./billing-xml";
