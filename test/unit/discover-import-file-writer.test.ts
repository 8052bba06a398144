import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { writeImportFile } from "../../cli/discover/run";

/** The import file is written one resource at a time (it passes 900 MB at 10,000 subscribers); the text is what JSON.stringify would write. */
describe("writeImportFile", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "import-file-"));
  const write = (data: Parameters<typeof writeImportFile>[1]) => {
    const file = path.join(dir, "import.json");
    writeImportFile(file, data);
    return { text: fs.readFileSync(file, "utf8"), mode: fs.statSync(file).mode & 0o777 };
  };

  it("writes exactly JSON.stringify(file, null, 2), readable by its owner only", () => {
    const data = {
      resources: [
        { type: "pulumi-nodejs:dynamic/forpost:Account", name: "c-1", id: "1", inputs: { name: "A\nB \"q\"", n: [1, { x: null }] }, outputs: { __provider: "exports.handler = ...\n" } },
        { type: "pulumi-nodejs:dynamic/billing:Home", name: "h", id: "101", inputs: { street: "улица Ленина" }, outputs: {} },
      ],
    };
    const { text, mode } = write(data);
    expect(text).toBe(`${JSON.stringify(data, null, 2)}\n`);
    expect(JSON.parse(text)).toEqual(data);
    expect(mode).toBe(0o600);
  });

  it("writes an empty list as JSON.stringify does", () => {
    expect(write({ resources: [] }).text).toBe(`${JSON.stringify({ resources: [] }, null, 2)}\n`);
  });
});
