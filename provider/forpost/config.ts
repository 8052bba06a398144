import { configValue, defineVendorConfig, transportConfigKeys } from "../core/config";

/** Forpost configuration: stack config `forpost:*`, or FORPOST_* environment variables. */
export const forpostConfig = defineVendorConfig("forpost", {
  url: {
    env: "FORPOST_URL",
    schema: configValue.baseUrl("https://forpost.example.net"),
    doc: "Base URL of the Forpost portal; calls go to `<url>/system-api/<Method>`.",
  },
  adminLogin: {
    env: "FORPOST_ADMIN_LOGIN",
    schema: configValue.text(),
    doc: "Login of a Forpost service administrator (created in the portal's admin panel).",
  },
  adminPassword: {
    env: "FORPOST_ADMIN_PASSWORD",
    schema: configValue.text(),
    secret: true,
    doc: "That administrator's password.",
  },
  ...transportConfigKeys("FORPOST"),
});
