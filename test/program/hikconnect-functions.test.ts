import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedHikConnect, startHikConnectEmulator, type HikConnectEmulator, type HikSeededSubscriber as SeededSubscriber } from "../../sandbox/hikconnect";
import { copyExampleProgram } from "../harness/example-program";
import { runProgramUnderMocks } from "../harness/program-under-mocks";

/**
 * hikconnect.getTimeZones and hikconnect.getAreas through a program under mocks: they run in the
 * program's own process with the stack's config (as the SDK gives it to them), against a seeded
 * emulator. One program calls every case and exports what each answered or the error it raised.
 * Eighteen look-ups in a row also wait for the rate limiter's places, whose timers do not keep a
 * process alive: the program must still finish (it used to end silently after the fifth).
 */
let programDir: string;
let emulator: HikConnectEmulator;
let seeded: SeededSubscriber[];
const SK = "mock-only-functions-sk";

const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { hikconnect } from "pulumi-telecom";

async function attempt(f: () => Promise<unknown>): Promise<unknown> {
  try {
    return await f();
  } catch (error) {
    return { error: (error as Error).message };
  }
}

async function run(): Promise<Record<string, unknown>> {
  const config = new pulumi.Config();
  const site = config.require("site");
  const cases: Record<string, () => Promise<unknown>> = {
    byPlace: () => hikconnect.getTimeZones({ name: "Berlin" }),
    byPlaceAnyCase: () => hikconnect.getTimeZones({ name: "st. petersburg" }),
    byStandardName: () => hikconnect.getTimeZones({ name: "Russian Standard Time" }),
    byOffsetAndName: () => hikconnect.getTimeZones({ utcOffset: "UTC+3", name: "Moscow" }),
    byOffsetOnly: () => hikconnect.getTimeZones({ utcOffset: "+05:30" }),
    byNegativeOffset: () => hikconnect.getTimeZones({ utcOffset: "-05:00" }),
    byId: () => hikconnect.getTimeZones({ id: "19" }),
    platformZone: () => hikconnect.getTimeZones(),
    partOfAName: () => hikconnect.getTimeZones({ name: "Berl" }),
    several: () => hikconnect.getTimeZones({ utcOffset: "+01:00" }),
    notAnOffset: () => hikconnect.getTimeZones({ utcOffset: "three hours" }),
    badArgument: () => hikconnect.getTimeZones({ name: "" }),
    areaByName: () => hikconnect.getAreas({ name: site }),
    areaByPath: () => hikconnect.getAreas({ path: site + "/Entrance 1" }),
    areaUnderParent: () => hikconnect.getAreas({ name: "Entrance 2", parentAreaId: config.require("siteId") }),
    areaSeveral: () => hikconnect.getAreas({ name: "Entrance 1" }),
    areaNone: () => hikconnect.getAreas({ name: site.slice(0, -1) }),
    areaNoFilter: () => hikconnect.getAreas({}),
  };
  const results: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(cases)) results[name] = await attempt(f);
  return results;
}

export const results = run();
export const outputId = hikconnect.getTimeZonesOutput({ name: pulumi.output("Kabul") }).id;
`;

beforeAll(async () => {
  programDir = path.join(copyExampleProgram("hikconnect", "program-hikconnect-functions"));
  fs.writeFileSync(path.join(programDir, "functions.ts"), PROGRAM);
  emulator = await startHikConnectEmulator({ appKey: "mock-only-ak", secretKey: SK, rateLimit: { limit: 100 } });
  seeded = seedHikConnect(emulator, { subscribers: 12 });
});
afterAll(() => emulator.stop());

describe("hikconnect functions in a program under mocks", () => {
  it("find exactly one time zone or area, or fail naming what was asked and the candidates", async () => {
    const block = seeded[4]!; // C-000005: an apartment block with entrances
    emulator.log.clear();
    const run = await runProgramUnderMocks({
      programFile: "functions.ts",
      cwd: programDir,
      config: {
        "hikconnect:url": emulator.url,
        "hikconnect:appKey": "mock-only-ak",
        "hikconnect:secretKey": SK,
        "hikconnect-example:site": block.area.name,
        "hikconnect-example:siteId": block.area.id,
      },
      secretConfigKeys: ["hikconnect:secretKey"],
    });
    const r = run.exports["results"] as Record<string, Record<string, unknown>>;
    const berlin = { id: "26", standardName: "W. Europe Standard Time", displayName: "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", utcOffset: "+01:00", dstEnabled: true, systemTimeZoneId: "30" };
    expect(r["byPlace"]).toEqual(berlin);
    expect(r["byPlaceAnyCase"]).toMatchObject({ id: "21", utcOffset: "+03:00" });
    expect(r["byStandardName"]).toMatchObject({ id: "21" });
    expect(r["byOffsetAndName"]).toMatchObject({ id: "21" });
    expect(r["byOffsetOnly"]).toMatchObject({ id: "31", displayName: "(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi" });
    expect(r["byNegativeOffset"]).toMatchObject({ id: "35", utcOffset: "-05:00" });
    expect(r["byId"]).toMatchObject({ id: "19", displayName: "(UTC+06:00) Astana", utcOffset: "+06:00" });
    expect(r["platformZone"]).toMatchObject({ id: "30", standardName: "China Standard Time" });
    expect(r["partOfAName"]!["error"]).toMatch(/^hikconnect\.getTimeZones: nothing matches name "Berl"\. Available: 1 \(UTC\+04:30\) Kabul, 19 \(UTC\+06:00\) Astana, /);
    expect(r["several"]!["error"]).toBe(
      "hikconnect.getTimeZones: 3 match utcOffset +01:00: 25 (UTC+01:00) Belgrade, Bratislava, Budapest, Ljubljana, Prague, 26 (UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna, 27 (UTC+01:00) Brussels, Copenhagen, Madrid, Paris. Narrow the filter (e.g. by id).",
    );
    expect(r["notAnOffset"]!["error"]).toBe('hikconnect.getTimeZones: utcOffset "three hours" is not an offset; write it like "+03:00" or "UTC-5"');
    expect(r["badArgument"]!["error"]).toBe("hikconnect.getTimeZones: invalid arguments: name must not be empty");

    const entrance1 = block.subAreas[0]!;
    expect(r["areaByName"]).toEqual({ id: block.area.id, name: block.area.name, parentAreaId: "-1", areaPath: block.area.name, hasSubAreas: true });
    expect(r["areaByPath"]).toMatchObject({ id: entrance1.id, parentAreaId: block.area.id, areaPath: `${block.area.name}->Entrance 1` });
    expect(r["areaUnderParent"]).toMatchObject({ id: block.subAreas[1]!.id });
    const blocks = seeded.filter((s) => s.subAreas.length > 0);
    expect(r["areaSeveral"]!["error"]).toMatch(new RegExp(`^hikconnect\\.getAreas: ${blocks.length} match name "Entrance 1": ${blocks[0]!.subAreas[0]!.id} "${blocks[0]!.area.name}/Entrance 1", `));
    expect(r["areaNone"]!["error"]).toBe(`hikconnect.getAreas: nothing matches name "${block.area.name.slice(0, -1)}".`);
    expect(r["areaNoFilter"]!["error"]).toBe("hikconnect.getAreas: give name or path (and parentAreaId to narrow it)");
    expect(run.exports["outputId"]).toBe("1");
    // One token, the time zone list once (the process keeps it), and areas/get for each area look-up.
    const routes = emulator.log.entries().map((e) => e.route);
    expect(routes.filter((x) => x === "token/get")).toHaveLength(1);
    expect(routes.filter((x) => x === "timezone/get")).toHaveLength(1);
    expect(new Set(routes)).toEqual(new Set(["token/get", "timezone/get", "areas/get"]));
    expect(JSON.stringify(run.exports)).not.toContain(SK);
  });
});
