import { z } from "zod";
import { configValue, defineVendorConfig, transportConfigKeys } from "../core/config";

/**
 * An optional key. The loader asks the schema about an unset key (`safeParse(undefined)`), so an
 * optional schema means "may stay unset"; the cast only widens the input type the spec declares.
 */
const optional = <T>(schema: z.ZodType<T, string>) => schema.optional() as unknown as z.ZodType<T | undefined, string>;

/** A configuration value that is either PEM text or the path of a file holding it. */
const pemOrPath = optional(z.string().trim().min(1, { message: "must not be empty" }));

/** ISP billing configuration: stack config `billing:*`, or BILLING_* environment variables. */
export const billingConfig = defineVendorConfig("billing", {
  url: {
    env: "BILLING_URL",
    schema: configValue.baseUrl("https://billing.example:1443"),
    doc: "Base URL of the billing's cashier web interface (HTTPS, port 1443 by default); calls go to `<url>/api.php`.",
  },
  login: {
    env: "BILLING_LOGIN",
    schema: configValue.text(),
    doc: "Login of the billing administrator the API works as (the document recommends one just for the API).",
  },
  password: {
    env: "BILLING_PASSWORD",
    schema: configValue.text(),
    secret: true,
    doc: "That administrator's password. It travels in request URLs, so it is masked in every message.",
  },
  clientCert: {
    env: "BILLING_CLIENT_CERT",
    schema: pemOrPath,
    doc: "The cashier's client certificate: PEM text or a file path. Set it with `billing:clientKey`, or use `billing:pfx` instead.",
  },
  clientKey: {
    env: "BILLING_CLIENT_KEY",
    schema: pemOrPath,
    secret: true,
    doc: "The private key of `billing:clientCert`: PEM text or a file path.",
  },
  pfx: {
    env: "BILLING_PFX",
    schema: pemOrPath,
    secret: true,
    doc: "Or the client certificate and key as the .pfx the billing creates (/var/lib/usrcert): a file path, or the file's content in base64. Legacy files (RC2-40/3DES, older OpenSSL) work too.",
  },
  pfxPassphrase: {
    env: "BILLING_PFX_PASSPHRASE",
    schema: optional(z.string()),
    secret: true,
    doc: "Password of `billing:pfx`, if it has one.",
  },
  caCert: {
    env: "BILLING_CA_CERT",
    schema: pemOrPath,
    doc: "The CA that signed the cashier interface's certificate (PEM text or a file path); without it only publicly trusted CAs are. Verification is never turned off.",
  },
  authMode: {
    env: "BILLING_AUTH_MODE",
    schema: configValue.oneOf(["session", "per-call"]),
    default: "session",
    doc: "`session`: CLN_AUTH_LOGIN once, its SUID reused and renewed once when the billing says it expired. `per-call`: `login`/`password` on every request (billing 3.9.7+).",
  },
  contractNumberSearch: {
    env: "BILLING_CONTRACT_NUMBER_SEARCH",
    schema: configValue.oneOf(["exact", "substring", "like"]),
    default: "exact",
    doc:
      "How this billing's CLN_USR_FIND_2 matches CONTRACT_NUMBER_IN (the document does not say), which decides what a contract-number prefix or range search of `billing.findSubscribers` costs. " +
      "`exact` (assume nothing): such a search reads every subscriber (1 + one CLN_USR_GET per subscriber). `substring`: the billing finds numbers containing (or starting with) the text, so the search asks for the prefix. " +
      "`like`: it applies SQL LIKE, so the search asks for `prefix%`. Either way every candidate is checked with CLN_USR_GET; set it only after trying it on your billing.",
  },
  // Half the usual cap: the cashier interface is the billing server's own PHP front end, in front of
  // the database that also runs the ISP's network (procedures such as CLN_SWITCH_EDIT restart dhcpd
  // when they finish), so a big stack must not stack procedure calls up on it. 4 at ~100 ms an
  // answer is still ~40 calls a second.
  ...transportConfigKeys("BILLING", {
    maxConcurrentRequests: 4,
    maxConcurrentRequestsWhy:
      "Lower than the other vendors' 8: the cashier interface runs on the billing server, whose procedures also drive the ISP's network (some restart dhcpd).",
  }),
});

export type BillingConfig = ReturnType<typeof billingConfig.load>;
