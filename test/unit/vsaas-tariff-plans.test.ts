import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../provider/core/schema";
import { declaredView, defaultsAfterRead, defaultsAfterWrite, withoutDefaults } from "../../provider/vsaas/tariff-plans";

describe("VSAAS tariff plans: the default the billing keeps", () => {
  it("learns the defaults from a write: what is there that was not sent", () => {
    expect(defaultsAfterWrite([548, 549], [549])).toEqual([548]);
    expect(defaultsAfterWrite([548], [])).toEqual([548]);
    // Sending the default itself hides it: nothing is learned, and nothing is wrongly learned.
    expect(defaultsAfterWrite([548, 549], [548, 549])).toEqual([]);
  });

  it("keeps only the known defaults that are still there after a read, and learns none", () => {
    expect(defaultsAfterRead([548, 549], [548])).toEqual([548]);
    expect(defaultsAfterRead([550, 549], [548])).toEqual([]);
    expect(defaultsAfterRead([548], undefined)).toEqual([]);
  });

  it("shows the plans there minus the defaults the program did not declare", () => {
    expect(declaredView([548, 549], [548], [549])).toEqual([549]);
    expect(declaredView([548, 549], [548], [548, 549])).toEqual([548, 549]);
    expect(declaredView([548, 549, 551], [548], undefined)).toEqual([549, 551]);
  });

  it("strips defaults for the comparison, keeping unknown elements and non-lists", () => {
    expect(withoutDefaults([548, 549, UNKNOWN], [548])).toEqual([549, UNKNOWN]);
    expect(withoutDefaults(UNKNOWN, [548])).toBe(UNKNOWN);
    expect(withoutDefaults(undefined, [548])).toBeUndefined();
  });
});
