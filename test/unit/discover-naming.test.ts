import { describe, expect, it } from "vitest";
import { naturalCompare, resourceNames, slug, variableNames } from "../../cli/discover/naming";

describe("discover naming", () => {
  it("turns vendor names, Cyrillic included, into readable ASCII slugs", () => {
    expect(slug("ACME Ltd")).toBe("acme-ltd");
    expect(slug("Иванов И.И., кв. 5")).toBe("ivanov-i-i-kv-5");
    expect(slug("ул. Ленина, д. 1")).toBe("ul-lenina-d-1");
    expect(slug("Café  №7")).toBe("cafe-no7");
    expect(slug("!!!")).toBe("");
    expect(slug("x".repeat(100)).length).toBeLessThanOrEqual(60);
  });

  it("names an object by subscriber and its own name, without repeating the subscriber", () => {
    const names = resourceNames([
      { token: "forpost:Account", id: "1001", subscriber: "C-1001", name: "ACME Ltd" },
      { token: "stalker:Account", id: "alice", subscriber: "C-1002", name: "c-1002-alice" },
      { token: "billing:Home", id: "7" },
      { token: "vsaas:Organization", id: "9", subscriber: "C-1003" },
    ]);
    expect(names).toEqual(["c-1001-acme-ltd", "c-1002-alice", "billing-home-7", "c-1003-vsaas-organization"]);
  });

  it("gives every object that would share a name a suffix, so a name does not depend on which came first", () => {
    const objects = [
      { token: "forpost:Account", id: "1", subscriber: "C-1", name: "acme" },
      { token: "stalker:Account", id: "acme", subscriber: "C-1", name: "acme" },
      { token: "stalker:Account", id: "acme2", subscriber: "C-1", name: "acme" },
    ];
    expect(resourceNames(objects)).toEqual(["c-1-acme-forpost-account", "c-1-acme-stalker-account-acme", "c-1-acme-stalker-account-acme2"]);
    // The same objects in another order get the same names.
    expect(resourceNames([...objects].reverse())).toEqual(["c-1-acme-stalker-account-acme2", "c-1-acme-stalker-account-acme", "c-1-acme-forpost-account"]);
    // Two identical requests still get distinct names.
    expect(new Set(resourceNames([objects[0]!, objects[0]!])).size).toBe(2);
  });

  it("makes valid, unique TypeScript variables", () => {
    expect(variableNames(["c-1001-acme-ltd", "12345-alice", "class", "config", "c1001-acme-ltd"], ["config"])).toEqual([
      "c1001AcmeLtd",
      "r12345Alice",
      "classResource",
      "config2",
      "c1001AcmeLtd2",
    ]);
  });

  it("orders numbers inside strings as numbers", () => {
    expect(["C-10", "C-2", "C-1", "B-100", "C-02"].sort(naturalCompare)).toEqual(["B-100", "C-1", "C-2", "C-02", "C-10"]);
  });
});
