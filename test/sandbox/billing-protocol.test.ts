import { describe, expect, it } from "vitest";
import { DOCUMENTED_PROCEDURES } from "../../sandbox/billing";
import { generateBillingCertificates } from "../../sandbox/billing";
import { LENINA, LOGIN, PASSWORD, callProc, cashier, errorOf, get, homeEditArgs, login, rowsOf, testCertificates, useBillingEmulator } from "./billing-call";

const billing = useBillingEmulator();
const emulator = billing.emulator;

describe("the cashier web interface's TLS (\"Требовать и проверять клиентский сертификат\")", () => {
  it("serves HTTPS with a certificate from the operator's CA to a client with a client certificate from that CA", async () => {
    expect(billing.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const answer = await callProc(billing.url, "CLN_AUTH_LOGIN", [LOGIN, PASSWORD, 0]);
    expect(answer.status).toBe(200);
  });

  it("accepts the client certificate as the .pfx the billing hands out", async () => {
    const certs = testCertificates();
    const identity = { ca: certs.ca.cert, pfx: certs.client.pfx, passphrase: certs.client.pfxPassphrase };
    expect((await callProc(billing.url, "CLN_AUTH_LOGIN", [LOGIN, PASSWORD, 0], { identity })).status).toBe(200);
  });

  it("refuses, in the TLS handshake, a client without a certificate or with one from another CA, and logs nothing", async () => {
    const other = generateBillingCertificates();
    await expect(callProc(billing.url, "CLN_HOME_LIST", ["1", null], { identity: { ca: testCertificates().ca.cert } })).rejects.toThrow();
    await expect(callProc(billing.url, "CLN_HOME_LIST", ["1", null], { identity: { ...cashier(other), ca: testCertificates().ca.cert } })).rejects.toThrow();
    expect(emulator.log.entries()).toEqual([]);
  });

  it("is not trusted by a client that does not know the operator's CA", async () => {
    const other = generateBillingCertificates();
    await expect(callProc(billing.url, "CLN_AUTH_LOGIN", [LOGIN, PASSWORD, 0], { identity: { ...cashier(), ca: other.ca.cert } })).rejects.toThrow(/self-signed certificate in certificate chain/);
  });
});

describe("CLN_AUTH_LOGIN and sessions", () => {
  it("answers a SUID (numeric(18,0)) in windows-1251 XML, as in the document's two-step example", async () => {
    const answer = await callProc(billing.url, "CLN_AUTH_LOGIN", [LOGIN, PASSWORD, 0]);
    expect(answer.headers["content-type"]).toBe("text/xml; charset=windows-1251");
    expect(answer.body.subarray(0, 44).toString("latin1")).toBe('<?xml version="1.0" encoding="windows-1251"?>'.slice(0, 44));
    const [row] = rowsOf(answer);
    expect(row!["suid"]).toMatch(/^\d{6,18}$/);
    // The document's example: delete a home with the SUID as arg1.
    const id = emulator.homes.add({ STREET: "Садовая", S_NUMBER: 10 }).ID;
    const deleted = await callProc(billing.url, "CLN_HOME_EDIT", [row!["suid"]!, 2, id]);
    expect(errorOf(deleted)).toBeUndefined();
    expect(emulator.homes.list()).toEqual([]);
  });

  it("refuses a wrong login or password with an <error> that echoes neither, and keeps both out of the log", async () => {
    const wrong = "wrong-password-3c9d";
    for (const [l, p] of [[LOGIN, wrong], ["intruder", PASSWORD]] as const) {
      const answer = await callProc(billing.url, "CLN_AUTH_LOGIN", [l, p, 0]);
      expect(answer.status).toBe(200);
      expect(errorOf(answer)).toBe("Неверное имя пользователя или пароль");
      expect(answer.text).not.toContain(wrong);
      expect(answer.text).not.toContain(PASSWORD);
    }
    const log = JSON.stringify(emulator.log.entries());
    expect(log).not.toContain(wrong);
    expect(log).not.toContain(PASSWORD);
    expect(emulator.log.entries().map((e) => [e.route, e.params["arg2"]])).toEqual([["CLN_AUTH_LOGIN", "***"], ["CLN_AUTH_LOGIN", "***"]]);
  });

  it("keeps the SUID out of the request log", async () => {
    const suid = await login(billing.url);
    await callProc(billing.url, "CLN_HOME_LIST", [suid, null]);
    expect(JSON.stringify(emulator.log.entries())).not.toContain(suid);
    expect(emulator.log.entries("CLN_HOME_LIST")[0]!.params).toMatchObject({ cmd: "execute", proc: "CLN_HOME_LIST", arg1: "***", arg2: "null" });
  });

  it("refuses an unknown SUID and one idle for longer than the session lifetime, with an <error> about the session", async () => {
    const unknown = await callProc(billing.url, "CLN_HOME_LIST", ["123456789", null]);
    expect(errorOf(unknown)).toMatch(/Сессия не найдена или истекла/);
    const suid = await login(billing.url);
    expect(errorOf(await callProc(billing.url, "CLN_HOME_LIST", [suid, null]))).toBeUndefined();
    emulator.behaviour.sessionTtlMs = 50;
    await new Promise((r) => setTimeout(r, 80));
    expect(errorOf(await callProc(billing.url, "CLN_HOME_LIST", [suid, null]))).toMatch(/Сессия не найдена или истекла/);
    // A new login works at once (with the default lifetime again: a TLS handshake on a loaded machine can take longer than 50 ms).
    emulator.behaviour.sessionTtlMs = 30 * 60 * 1000;
    expect(errorOf(await callProc(billing.url, "CLN_HOME_LIST", [await login(billing.url), null]))).toBeUndefined();
  });

  it("ends every session on expireSessions (the admin route does the same)", async () => {
    const suid = await login(billing.url);
    emulator.expireSessions();
    expect(errorOf(await callProc(billing.url, "CLN_HOME_LIST", [suid, null]))).toMatch(/истекла/);
  });
});

describe("login/password on every request (billing 3.9.7+)", () => {
  const perCall = { login: LOGIN, password: PASSWORD };

  it("drops the SUID argument, as in the document's example (arg1=2&arg2=10 deletes home 10)", async () => {
    const id = emulator.homes.add({ STREET: "Садовая" }).ID;
    const answer = await callProc(billing.url, "CLN_HOME_EDIT", [2, id], { perCall });
    expect(errorOf(answer)).toBeUndefined();
    expect(emulator.homes.get(id)).toBeUndefined();
    const log = emulator.log.entries()[0]!;
    expect(log.params).toMatchObject({ login: LOGIN, password: "***", arg1: "2", arg2: String(id) });
  });

  it("refuses wrong credentials, and an older billing ignores login= and wants a SUID", async () => {
    const wrong = await callProc(billing.url, "CLN_HOME_LIST", [null], { perCall: { login: LOGIN, password: "nope-nope" } });
    expect(errorOf(wrong)).toBe("Неверное имя пользователя или пароль");
    emulator.behaviour.perCallAuth = false;
    const old = await callProc(billing.url, "CLN_HOME_LIST", [null], { perCall });
    expect(errorOf(old)).toMatch(/Сессия/);
  });
});

describe("CLN_HOME_EDIT and CLN_HOME_LIST", () => {
  it("adds a home (P_OP 1), answering its <id>; CLN_HOME_LIST returns every column in lower case, Cyrillic in windows-1251", async () => {
    const suid = await login(billing.url);
    const added = await callProc(billing.url, "CLN_HOME_EDIT", [suid, ...homeEditArgs(1, null, LENINA)]);
    expect(rowsOf(added)).toEqual([{ id: "101" }]);
    const list = await callProc(billing.url, "CLN_HOME_LIST", [suid, 101]);
    expect(rowsOf(list)).toEqual([
      {
        id: "101",
        pull_id: "1",
        connect_date: "2024-03-01 00:00:00",
        zip_code: "420111",
        country: "Россия",
        city: "Казань",
        region: "Татарстан",
        street: "улица Ленина",
        s_number: "12",
        s_liter: "А",
        users_count: "0",
      },
    ]);
    // windows-1251 bytes: "улица" is F3 EB E8 F6 E0.
    expect(list.body.includes(Buffer.from([0xf3, 0xeb, 0xe8, 0xf6, 0xe0]))).toBe(true);
    expect(list.body.includes(Buffer.from("улица", "utf8"))).toBe(false);
    expect(emulator.homes.get(101)).toMatchObject({ STREET: "улица Ленина", S_LITER: "А", CONNECT_DATE: "2024-03-01 00:00:00" });
  });

  it("answers an add with no <id> when so switched, and in UTF-8 with other element names when so configured", async () => {
    emulator.behaviour.addAnswersId = false;
    emulator.behaviour.encoding = "utf-8";
    emulator.behaviour.elementNames = { root: "response", row: "item" };
    const suid = await login(billing.url);
    const added = await callProc(billing.url, "CLN_HOME_EDIT", [suid, ...homeEditArgs(1, null, LENINA)]);
    expect(added.text).toBe('<?xml version="1.0" encoding="utf-8"?><response/>');
    expect(emulator.homes.list()).toHaveLength(1);
    const list = await callProc(billing.url, "CLN_HOME_LIST", [suid, null]);
    expect(list.text).toContain("<response><item><id>101</id>");
    expect(list.body.includes(Buffer.from("улица Ленина", "utf8"))).toBe(true);
  });

  it("edits (P_OP 0) by setting every column to what is sent: null clears", async () => {
    const suid = await login(billing.url);
    const id = emulator.homes.add({ STREET: "Ленина", S_NUMBER: 1, CITY: "Казань", ZIP_CODE: "420000" }).ID;
    const edited = await callProc(billing.url, "CLN_HOME_EDIT", [suid, ...homeEditArgs(0, id, { STREET: "проспект Мира", S_NUMBER: 2, S_LITER: "Б" })]);
    expect(errorOf(edited)).toBeUndefined();
    expect(emulator.homes.get(id)).toEqual({ ID: id, STREET: "проспект Мира", S_NUMBER: 2, S_LITER: "Б", CITY: null, ZIP_CODE: null, COUNTRY: null, REGION: null, PULL_ID: null, CONNECT_DATE: null });
  });

  it("succeeds, changing nothing, on an edit or delete of a home that does not exist (UPDATE/DELETE … WHERE ID)", async () => {
    const suid = await login(billing.url);
    expect(errorOf(await callProc(billing.url, "CLN_HOME_EDIT", [suid, ...homeEditArgs(0, 999, { STREET: "Ленина" })]))).toBeUndefined();
    expect(errorOf(await callProc(billing.url, "CLN_HOME_EDIT", [suid, 2, 999]))).toBeUndefined();
    expect(emulator.homes.list()).toEqual([]);
    expect(rowsOf(await callProc(billing.url, "CLN_HOME_LIST", [suid, 999]))).toEqual([]);
  });

  it("lists every home without P_ID, by ID with it", async () => {
    const suid = await login(billing.url);
    emulator.homes.add({ STREET: "Ленина", S_NUMBER: 1 });
    emulator.homes.add({ STREET: "Ленина", S_NUMBER: 2 });
    expect(rowsOf(await callProc(billing.url, "CLN_HOME_LIST", [suid, null])).map((r) => r["id"])).toEqual(["101", "102"]);
    expect(rowsOf(await callProc(billing.url, "CLN_HOME_LIST", [suid, 102])).map((r) => r["s_number"])).toEqual(["2"]);
  });

  it.each([
    ["a ZIP_CODE over VARCHAR(10)", { ...LENINA, ZIP_CODE: "12345678901" }, /string right truncation \(column ZIP_CODE/],
    ["a STREET over VARCHAR(256)", { ...LENINA, STREET: "ж".repeat(257) }, /string right truncation \(column STREET/],
    ["a non-integer S_NUMBER", { ...LENINA, S_NUMBER: "12a" }, /conversion error from string "12a"/],
    ["a malformed CONNECT_DATE", { ...LENINA, CONNECT_DATE: "2024-02-30" }, /conversion error from string "2024-02-30"/],
    ["an unknown PULL_ID", { ...LENINA, PULL_ID: 77 }, /FOREIGN KEY/],
    ["no STREET", { ...LENINA, STREET: null }, /validation error for column "HOMES"."STREET"/],
    ["characters windows-1251 does not have", { ...LENINA, STREET: "улица 🏠" }, /Cannot transliterate character/],
  ])("refuses %s with the database's error, adding nothing", async (_what, home, message) => {
    const suid = await login(billing.url);
    const answer = await callProc(billing.url, "CLN_HOME_EDIT", [suid, ...homeEditArgs(1, null, home)]);
    expect(answer.status).toBe(200);
    expect(errorOf(answer)).toMatch(message);
    expect(emulator.homes.list()).toEqual([]);
  });

  it("accepts dates as Firebird does (YYYY-MM-DD, DD.MM.YYYY) and renders them as configured", async () => {
    const suid = await login(billing.url);
    await callProc(billing.url, "CLN_HOME_EDIT", [suid, ...homeEditArgs(1, null, { STREET: "Ленина", CONNECT_DATE: "05.01.2025" })]);
    emulator.behaviour.dateFormat = "ru";
    expect(rowsOf(await callProc(billing.url, "CLN_HOME_LIST", [suid, null]))[0]).toMatchObject({ connect_date: "05.01.2025 00:00:00" });
  });

  it("can answer errors under an HTTP error status instead of 200", async () => {
    emulator.behaviour.errorStatus = 500;
    const answer = await callProc(billing.url, "CLN_HOME_LIST", ["1", null]);
    expect(answer.status).toBe(500);
    expect(errorOf(answer)).toMatch(/Сессия/);
  });
});

describe("the rest of api.php", () => {
  const EMULATED = ["CLN_AUTH_LOGIN", "CLN_HOME_EDIT", "CLN_HOME_LIST", "CLN_SWITCH_EDIT", "CLN_SWITCH_LIST", "CLN_USR_GET", "CLN_USR_FIND_2"];
  it.each(DOCUMENTED_PROCEDURES.filter((p) => !EMULATED.includes(p)))(
    "answers %s (documented, not emulated) with an <error> 'not implemented by the sandbox'",
    async (proc) => {
      const suid = await login(billing.url);
      expect(errorOf(await callProc(billing.url, proc, [suid]))).toBe(`${proc} is not implemented by the sandbox`);
    },
  );

  it("answers an unknown procedure or cmd with an <error>, another method with 405, another path with 404", async () => {
    expect(errorOf(await callProc(billing.url, "CLN_NOPE", []))).toBe("Procedure unknown: CLN_NOPE");
    expect(errorOf(await get(billing.url, "/api.php", [["cmd", "list"]]))).toMatch(/unknown cmd/);
    expect(emulator.log.entries().map((e) => e.route)).toEqual(["api.php", "api.php"]);
    expect((await get(billing.url, "/index.php", [])).status).toBe(404);
  });

  it("names log entries and faults after the procedure", async () => {
    const suid = await login(billing.url);
    emulator.faults.set("CLN_HOME_EDIT", { drop: "after", times: 1 });
    await expect(callProc(billing.url, "CLN_HOME_EDIT", [suid, ...homeEditArgs(1, null, LENINA)])).rejects.toThrow();
    expect(emulator.homes.list()).toHaveLength(1); // applied, answer lost
    emulator.faults.set("CLN_HOME_LIST", { malformed: true, times: 1 });
    const cut = await callProc(billing.url, "CLN_HOME_LIST", [suid, null]);
    expect(cut.text.startsWith('<?xml version="1.0" encoding="windows-1251"?><result><row><id>101</id>')).toBe(true);
    expect(cut.xml).toBeUndefined(); // not well-formed
    expect(emulator.log.entries().map((e) => [e.route, e.faults ?? []])).toEqual([
      ["CLN_AUTH_LOGIN", []],
      ["CLN_HOME_EDIT", ["drop-after"]],
      ["CLN_HOME_LIST", ["malformed"]],
    ]);
  });
});
