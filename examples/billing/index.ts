// A house in the ISP billing's address directory, where subscriber connections start, and the access
// switch installed in it.
//
// Point the stack at the billing's cashier web interface (or at the sandbox: `npx pulumi-telecom-sandbox`
// prints the lines, with the paths of the certificates it generated):
//   pulumi config set billing:url https://billing.example:1443
//   pulumi config set billing:login api-cashier
//   pulumi config set --secret billing:password <password>
//   pulumi config set billing:caCert ./billing-ca.pem
//   pulumi config set billing:clientCert ./api-cashier.pem
//   pulumi config set --secret billing:clientKey ./api-cashier-key.pem
// The switch's management passwords (optional; never read back from the billing):
//   pulumi config set --secret switchSnmpPassword <SNMP community>
//   pulumi config set --secret switchSshPassword <SSH password>
// Optional knobs of this example: `pulumi config set street "проспект Победы"` changes the home in place;
// `pulumi config set switchIp 10.20.0.12` changes the switch in place (one DHCP restart in the billing);
// `pulumi config set lookupContract D-000001` also reads that subscriber from the billing.
import * as pulumi from "@pulumi/pulumi";
import { billing, BillingHome, BillingSwitch } from "pulumi-telecom";

const config = new pulumi.Config();

const home = new BillingHome("lenina-12a", {
  street: config.get("street") ?? "улица Ленина",
  number: config.getNumber("number") ?? 12,
  liter: "А",
  city: "Казань",
  region: "Республика Татарстан",
  country: "Россия",
  zipCode: "420111",
  ipPoolId: 1,
  connectDate: "2024-03-01",
});

const accessSwitch = new BillingSwitch("lenina-12a-sw1", {
  homeId: home.homeId,
  name: "Ленина 12А: подъезд 1",
  ip: config.get("switchIp") ?? "10.20.0.11",
  switchType: "D-Link DES-3200-28",
  portsCount: 28,
  pswSnmp: config.getSecret("switchSnmpPassword"),
  pswSsh: config.getSecret("switchSshPassword"),
});

export const billingHomeId = home.id;
export const billingHomeStreet = home.street;
export const billingSwitchId = accessSwitch.switchId;

// A lookup, as deploy pipelines start from: the subscriber with that contract number (exactly one).
const contract = config.get("lookupContract");
export const subscriberLogin = contract ? billing.getSubscriberOutput({ contractNumber: contract }).apply((s) => s.login) : undefined;
