import { configValue, defineVendorConfig, transportConfigKeys } from "../core/config";

/** VSAAS.IO billing configuration: stack config `vsaas:*`, or VSAAS_* environment variables. */
export const vsaasConfig = defineVendorConfig("vsaas", {
  url: {
    env: "VSAAS_URL",
    schema: configValue.baseUrl("https://my.vsaas.io"),
    default: "https://my.vsaas.io",
    doc: "Base URL of the VSAAS.IO billing; calls go to `<url>/api/v1/...`.",
  },
  user: {
    env: "VSAAS_USER",
    schema: configValue.text(),
    doc: "E-mail address of the domain's owner or an administrator (sent as X-USER).",
  },
  password: {
    env: "VSAAS_PASSWORD",
    schema: configValue.text(),
    secret: true,
    doc: "That user's password (sent as X-PASSWORD).",
  },
  domainId: {
    env: "VSAAS_DOMAIN_ID",
    schema: configValue.integer(0, Number.MAX_SAFE_INTEGER),
    doc: "ID of your VSAAS.IO domain (sent as X-DOMAIN-ID; your VSAAS.IO manager tells you).",
  },
  ...transportConfigKeys("VSAAS"),
});
