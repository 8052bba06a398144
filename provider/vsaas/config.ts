import type { z } from "zod";
import { configValue, defineVendorConfig, transportConfigKeys, type ConfigKeySpec } from "../core/config";

/**
 * An optional key (as in billing/config.ts): the loader asks the schema about an unset key
 * (`safeParse(undefined)`), so an optional schema means "may stay unset"; the cast only widens the
 * input type the spec declares.
 */
const optional = <T>(schema: z.ZodType<T, string>) => schema.optional() as unknown as z.ZodType<T | undefined, string>;

const billingKeys = {
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
} satisfies Record<string, ConfigKeySpec<unknown>>;

const WATCHER_USERS = "Needed by VsaasUser, VsaasOrganizationUser, VsaasFolderAccess and vsaas.getOrganizationFolders / getOrganizationPresets";

const watcherKeys = {
  watcherUrl: {
    env: "VSAAS_WATCHER_URL",
    schema: configValue.baseUrl("https://YOUR-DOMAIN-NAME.vsaas.io"),
    doc: `Your domain's Flussonic Watcher (cloud.vsaas.io), e.g. \`https://YOUR-DOMAIN-NAME.vsaas.io\`; calls go to \`<watcherUrl>/vsaas/api/v2/...\`. ${WATCHER_USERS}.`,
  },
  watcherApiKey: {
    env: "VSAAS_WATCHER_API_KEY",
    schema: configValue.text(),
    secret: true,
    doc: `The Watcher administrator's API key (sent as x-vsaas-api-key; web interface: Admin > Settings > General settings > API key). ${WATCHER_USERS}.`,
  },
} satisfies Record<string, ConfigKeySpec<unknown>>;

/**
 * VSAAS.IO configuration: stack config `vsaas:*`, or VSAAS_* environment variables. This is the
 * billing's view (what VsaasOrganization and vsaas.getTariffPlans load): the Watcher keys are
 * optional here, so a stack that manages only organizations never needs them — yet, being listed,
 * they are documented and, when set, the API key is registered for redaction like every secret.
 */
export const vsaasConfig = defineVendorConfig("vsaas", {
  ...billingKeys,
  watcherUrl: { ...watcherKeys.watcherUrl, schema: optional(watcherKeys.watcherUrl.schema) },
  watcherApiKey: { ...watcherKeys.watcherApiKey, schema: optional(watcherKeys.watcherApiKey.schema) },
  ...transportConfigKeys("VSAAS"),
});

/**
 * The Watcher's view: the same `vsaas:*` keys, where the Watcher's two are required and the
 * billing's are not needed. A stack of Watcher users only never has to set the billing password.
 */
export const vsaasWatcherConfig = defineVendorConfig("vsaas", {
  ...watcherKeys,
  ...transportConfigKeys("VSAAS"),
});
