// A house in the ISP billing's address directory, where subscriber connections start.
//
// Point the stack at the billing's cashier web interface (or at the sandbox: `npx pulumi-telecom-sandbox`
// prints the lines, with the paths of the certificates it generated):
//   pulumi config set billing:url https://billing.example:1443
//   pulumi config set billing:login api-cashier
//   pulumi config set --secret billing:password <password>
//   pulumi config set billing:caCert ./billing-ca.pem
//   pulumi config set billing:clientCert ./api-cashier.pem
//   pulumi config set --secret billing:clientKey ./api-cashier-key.pem
// Optional knobs of this example: `pulumi config set street "проспект Победы"` changes the home in place.
import * as pulumi from "@pulumi/pulumi";
import { BillingHome } from "pulumi-telecom";

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

export const billingHomeId = home.id;
export const billingHomeStreet = home.street;
