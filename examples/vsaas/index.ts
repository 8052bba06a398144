// A subscriber in VSAAS.IO: their organization in the billing (created in the Flussonic Watcher
// cloud too), and their login to the Watcher — a member of the organization who sees the cameras
// of its folder "Cameras" — set up as the vendor's "user with read rights" scenario does.
//
// Point the stack at VSAAS.IO (or at the sandbox: `npx pulumi-telecom-sandbox` prints the lines):
//   pulumi config set vsaas:user admin@isp.example          # the domain's owner or an administrator
//   pulumi config set --secret vsaas:password <password>
//   pulumi config set vsaas:domainId <your domain id>        # vsaas:url defaults to https://my.vsaas.io
//   pulumi config set vsaas:watcherUrl https://<your domain>.vsaas.io
//   pulumi config set --secret vsaas:watcherApiKey <the Watcher administrator's API key>
//   pulumi config set --secret userPassword <the subscriber's password>
// Optional knobs of this example:
//   pulumi config set tariffPlanIds '[549,550]'   updates the organization's plans in place
//   pulumi config set title 'Ivanov household'    REPLACES the organization (new one, old one deleted)
//   pulumi config set protect true                makes such a replacement fail instead
//   pulumi config set login ivanov@example.org    the subscriber's login (a change replaces the user)
//   pulumi config set canViewDvr false            the folder right to watch the archive (in place)
import * as pulumi from "@pulumi/pulumi";
import { VsaasFolderAccess, VsaasOrganization, VsaasOrganizationUser, VsaasUser, vsaas } from "pulumi-telecom";

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

// The subscriber's login. Not the owner's address: the billing made the owner a Watcher user (and a
// full member) already. The Watcher puts every new user in "Unassigned cameras"; like the vendor's
// scenario, the user leaves it right away (leaveDefaultOrganization defaults to true).
const subscriber = new VsaasUser("ivanov-login", {
  login: config.get("login") ?? "ivanov.viewer@example.org",
  password: config.requireSecret("userPassword"),
});

// A member of the organization: the Watcher's organization id is the billing's externalId.
const member = new VsaasOrganizationUser("ivanov-member", {
  watcherOrganizationId: org.externalId,
  userId: subscriber.userId,
});

// Without a folder right a member sees no camera. Every organization has the folder "Cameras".
const cameras = vsaas.getOrganizationFoldersOutput({ watcherOrganizationId: org.externalId, title: "Cameras" });

const access = new VsaasFolderAccess("ivanov-cameras", {
  // The membership's id: Pulumi grants the folder after the user joined (and again if it is replaced).
  membershipId: member.id,
  folderId: cameras.ids[0]!,
  canViewDvr: config.getBoolean("canViewDvr") ?? true,
});

export const vsaasOrganizationId = org.id;
/** The Watcher organization id: users, folders and cameras are attached to it. */
export const watcherOrganizationId = org.externalId;
export const defaultTariffPlanIds = org.defaultTariffPlanIds;
export const subscriberLogin = subscriber.login;
export const subscriberUserId = subscriber.userId;
export const camerasFolderId = access.folderId;
