import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeAnswer, NotXmlError, parseAnswer } from "../../provider/billing/answer";

const cp1251 = (text: string) => iconv.encode(text, "win1251");

describe("decodeAnswer", () => {
  it("decodes by the encoding the XML declaration names, whatever the Content-Type says", () => {
    const body = cp1251('<?xml version="1.0" encoding="windows-1251"?><r><street>улица Ленина</street></r>');
    expect(decodeAnswer(body, "text/xml; charset=utf-8")).toContain("улица Ленина");
    expect(decodeAnswer(cp1251("<?xml version='1.0' encoding='cp1251'?><r>Ёж</r>"))).toContain("Ёж");
  });

  it("falls back to the Content-Type charset, then UTF-8 (an unknown encoding name too)", () => {
    expect(decodeAnswer(cp1251("<r>Казань</r>"), "text/xml; charset=windows-1251")).toBe("<r>Казань</r>");
    expect(decodeAnswer(Buffer.from("<r>Казань</r>"))).toBe("<r>Казань</r>");
    expect(decodeAnswer(Buffer.from('<?xml version="1.0" encoding="x-klingon"?><r>Казань</r>'))).toContain("Казань");
  });
});

describe("parseAnswer", () => {
  it("finds rows as elements of text-only children, whatever the root and row elements are called", () => {
    expect(parseAnswer('<?xml version="1.0"?><result><row><suid>1234567890</suid></row></result>')).toEqual({ rows: [{ suid: "1234567890" }] });
    expect(parseAnswer("<answer><suid>42</suid></answer>")).toEqual({ rows: [{ suid: "42" }] });
    expect(parseAnswer("<data><meta><count>2</count></meta><homes><h><ID>1</ID><ZIP_CODE>01234</ZIP_CODE></h><h><ID>2</ID><ZIP_CODE/></h></homes></data>")).toEqual({
      rows: [{ count: "2" }, { id: "1", zip_code: "01234" }, { id: "2", zip_code: "" }],
    });
    expect(parseAnswer('<?xml version="1.0" encoding="windows-1251"?><result/>')).toEqual({ rows: [] });
  });

  it("reports the first <error> anywhere, entities decoded", () => {
    expect(parseAnswer("<result><error>conversion error from string &quot;12a&quot;</error></result>")).toEqual({ rows: [], error: 'conversion error from string "12a"' });
    expect(parseAnswer("<result><row><ERROR>boom</ERROR></row></result>").error).toBe("boom");
  });

  it("decodes numeric character references, as XML requires: a windows-1251 answer writes Tatar or Kazakh letters so", () => {
    // libxml and PHP write a character the declared encoding cannot hold as &#NNNN; (Җәлил in windows-1251).
    const body = cp1251('<?xml version="1.0" encoding="windows-1251"?><r><row><street>&#1174;&#x4D9;лил &amp;#38; &#60;</street></row></r>');
    expect(parseAnswer(decodeAnswer(body)).rows).toEqual([{ street: "Җәлил &#38; <" }]);
  });

  it("refuses what is not a well-formed api.php answer: a cut document, an HTML page, plain text", () => {
    expect(() => parseAnswer('<?xml version="1.0"?><result><row><id>101</id><street>ули')).toThrow(NotXmlError);
    expect(() => parseAnswer("<html><head><title>400 No required SSL certificate was sent</title></head><body>x</body></html>")).toThrow(NotXmlError);
    expect(() => parseAnswer("Fatal error: Call to undefined function")).toThrow(NotXmlError);
  });

  it("reads what else XML allows: attributes, comments, CDATA, processing instructions, a doctype, whitespace", () => {
    const text = '<?xml version="1.0"?>\n<!DOCTYPE result>\n<!-- api.php -->\n<result count="1">\n  <row n=\'1\'>\n    <id>101</id>\n    <street><![CDATA[улица <Ленина> & Co]]></street>\n    <?php echo 1 ?>\n  </row>\n</result>\n';
    expect(parseAnswer(text)).toEqual({ rows: [{ id: "101", street: "улица <Ленина> & Co" }] });
  });

  it("reports an <error> root as a failure, and keeps an unknown named entity as written", () => {
    expect(parseAnswer("<error>database is busy</error>")).toEqual({ rows: [], error: "database is busy" });
    expect(parseAnswer("<r><row><name>a&nbsp;b</name></row></r>").rows).toEqual([{ name: "a&nbsp;b" }]);
  });

  it("takes an element whose children repeat a name for a list, not a row", () => {
    expect(parseAnswer("<r><ids><id>1</id><id>2</id></ids><row><id>3</id></row></r>").rows).toEqual([{ id: "3" }]);
  });

  it.each([
    ["two roots", "<a><x>1</x></a><b/>"],
    ["a closing tag that does not match", "<a><x>1</y></a>"],
    ["a bare ampersand", "<a><x>1 & 2</x></a>"],
    ["a stray <", "<a><x>1 < 2</x></a>"],
    ["an invalid character reference", "<a><x>&#0;</x></a>"],
    ["a declaration in the middle", '<a><?xml version="1.0"?></a>'],
    ["an empty body", ""],
  ])("refuses %s", (_what, text) => {
    expect(() => parseAnswer(text)).toThrow(NotXmlError);
  });
});
