import { afterEach, describe, expect, it } from "vitest";
import { clearRegisteredSecrets, redact, registerSecret } from "../../provider/core/redact";

afterEach(() => clearRegisteredSecrets());

describe("redact", () => {
  it("masks a registered secret in every wire form it takes", () => {
    registerSecret("p@ss word&1");
    const text = [
      "plain p@ss word&1",
      `url ${encodeURIComponent("p@ss word&1")}`,
      `form ${new URLSearchParams({ AdminPassword: "p@ss word&1" })}`,
      `json ${JSON.stringify({ x: "p@ss word&1" })}`,
    ].join(" | ");
    const out = redact(text);
    expect(out).not.toMatch(/p@ss|p%40ss/);
    expect(out.match(/\*\*\*/g)?.length).toBe(4);
  });

  it("masks sensitive URL parameters even when the value was never registered", () => {
    const out = redact("GET https://b.example/api.php?cmd=execute&login=admin&password=hunter22&arg1=SUIDVALUE&suid=abc");
    expect(out).toBe("GET https://b.example/api.php?cmd=execute&login=admin&password=***&arg1=SUIDVALUE&suid=***");
  });

  it("leaves short values alone so ordinary text survives", () => {
    registerSecret("ab");
    expect(redact("a cab")).toBe("a cab");
  });
});
