import { describe, expect, it } from "vitest";
import { basicCredentials, formFieldCredentials, headerCredentials, RenewableCredential } from "../../provider/core/auth";
import { redact } from "../../provider/core/redact";
import type { PreparedRequest } from "../../provider/core/transport";

const request = (): PreparedRequest => ({ operation: "op", method: "POST", url: new URL("http://x/y"), headers: {}, form: [["A", "1"]] });

describe("authenticators", () => {
  it("put credentials where each vendor expects them and register the secret parts", async () => {
    const form = request();
    await formFieldCredentials({ AdminLogin: "admin", AdminPassword: "form-secret-1" }, ["AdminPassword"]).authorize(form);
    expect(form.form).toEqual([["AdminLogin", "admin"], ["AdminPassword", "form-secret-1"], ["A", "1"]]);

    const headers = request();
    await headerCredentials({ "X-USER": "u@x", "X-PASSWORD": "header-secret-2" }, ["X-PASSWORD"]).authorize(headers);
    expect(headers.headers).toEqual({ "X-USER": "u@x", "X-PASSWORD": "header-secret-2" });

    const basic = request();
    await basicCredentials("user", "basic-secret-3").authorize(basic);
    expect(basic.headers.authorization).toBe(`Basic ${Buffer.from("user:basic-secret-3").toString("base64")}`);

    expect(redact(`form-secret-1 header-secret-2 ${basic.headers.authorization}`)).toBe("*** *** Basic ***");
  });
});

describe("RenewableCredential", () => {
  it("shares one obtain call between concurrent callers", async () => {
    let calls = 0;
    const cred = new RenewableCredential(async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      return { value: `t${calls}` };
    });
    const values = await Promise.all(Array.from({ length: 10 }, () => cred.get()));
    expect(new Set(values)).toEqual(new Set(["t1"]));
    expect(calls).toBe(1);
  });

  it("renews before expiry, and a stale renew does not renew twice", async () => {
    let now = 0;
    let calls = 0;
    const cred = new RenewableCredential(async () => ({ value: `t${++calls}`, expiresAt: now + 10_000 }), 1_000, () => now);
    expect(await cred.get()).toBe("t1");
    now = 8_000;
    expect(await cred.get()).toBe("t1");
    now = 9_500;
    expect(await cred.get()).toBe("t2");
    const [a, b] = await Promise.all([cred.renew("t2"), cred.renew("t2")]);
    expect([a, b]).toEqual(["t3", "t3"]);
    expect(await cred.renew("t2")).toBe("t3");
    expect(calls).toBe(3);
  });

  it("lets the next caller try again after a failed obtain", async () => {
    let fail = true;
    const cred = new RenewableCredential(async () => {
      if (fail) throw new Error("down");
      return { value: "ok" };
    });
    await expect(cred.get()).rejects.toThrow("down");
    fail = false;
    expect(await cred.get()).toBe("ok");
  });
});
