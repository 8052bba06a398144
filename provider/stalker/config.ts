import { configValue, defineVendorConfig, transportConfigKeys } from "../core/config";

/** Stalker configuration: stack config `stalker:*`, or STALKER_* environment variables. */
export const stalkerConfig = defineVendorConfig("stalker", {
  url: {
    env: "STALKER_URL",
    schema: configValue.baseUrl("http://stalker.example.net/stalker_portal/api"),
    doc: "Base of the Stalker REST API v1, e.g. `http://stalker.example.net/stalker_portal/api`; calls go to `<url>/accounts/...`.",
  },
  user: {
    env: "STALKER_USER",
    schema: configValue.text(),
    doc: "User of the REST API's HTTP basic authentication.",
  },
  password: {
    env: "STALKER_PASSWORD",
    schema: configValue.text(),
    secret: true,
    doc: "That user's password.",
  },
  ...transportConfigKeys("STALKER"),
});
