// A subscriber organization in the VSAAS.IO billing, created in the Flussonic Watcher cloud too.
//
// Point the stack at VSAAS.IO (or at the sandbox: `npx pulumi-telecom-sandbox` prints the lines):
//   pulumi config set vsaas:user admin@isp.example          # the domain's owner or an administrator
//   pulumi config set --secret vsaas:password <password>
//   pulumi config set vsaas:domainId <your domain id>        # vsaas:url defaults to https://my.vsaas.io
// Optional knobs of this example:
//   pulumi config set tariffPlanIds '[549,550]'   updates the organization's plans in place
//   pulumi config set title 'Ivanov household'    REPLACES the organization (new one, old one deleted)
//   pulumi config set protect true                makes such a replacement fail instead
import * as pulumi from "@pulumi/pulumi";
import { VsaasOrganization } from "pulumi-telecom";

const config = new pulumi.Config();

const org = new VsaasOrganization(
  "ivanov",
  {
    title: config.get("title") ?? "Ivanov family",
    // An address the billing does not know becomes a new user, invited by e-mail.
    owner: config.get("owner") ?? "ivanov@example.org",
    // The billing keeps its default plan in every organization by itself; list only the others.
    tariffPlanIds: config.getObject<number[]>("tariffPlanIds") ?? [549],
  },
  // A replacement (new title or owner) deletes the organization with its cameras.
  { protect: config.getBoolean("protect") ?? false },
);

export const vsaasOrganizationId = org.id;
/** The Watcher organization id: users, folders and cameras are attached to it. */
export const watcherOrganizationId = org.externalId;
export const defaultTariffPlanIds = org.defaultTariffPlanIds;
