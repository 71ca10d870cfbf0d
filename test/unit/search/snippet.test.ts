import { describe, expect, it } from "vitest";
import { MARK_CLOSE, MARK_OPEN, escapeHtml, markTerms, renderMarked, searchableText } from "../../../runtime/search/snippet";

describe("snippets", () => {
  it("escape everything but the marks FTS5 placed", () => {
    const fromFts = `<script>x</script> ${MARK_OPEN}probe${MARK_CLOSE} & "q" 'a' <mark>`;
    expect(renderMarked(fromFts)).toBe("&lt;script&gt;x&lt;/script&gt; <mark>probe</mark> &amp; &quot;q&quot; &#39;a&#39; &lt;mark&gt;");
  });

  it("stored text cannot carry the markers", () => {
    expect(searchableText(`a${MARK_OPEN}b${MARK_CLOSE}c`)).toBe("abc");
    expect(escapeHtml("<>&")).toBe("&lt;&gt;&amp;");
  });

  it("markTerms marks whole words (case and accents folded) and escapes the rest", () => {
    expect(markTerms("The Café <b>cafe</b> cafeteria", ["cafe"])).toBe("The <mark>Café</mark> &lt;b&gt;<mark>cafe</mark>&lt;/b&gt; cafeteria");
    expect(markTerms("nothing here", ["zebra"])).toBe("nothing here");
  });

  it("markTerms cuts a window around the first match, with ellipses", () => {
    const text = `${"lorem ".repeat(100)}zebra${" ipsum".repeat(100)}`;
    const s = markTerms(text, ["zebra"], 80);
    expect(s.startsWith("…")).toBe(true);
    expect(s.endsWith("…")).toBe(true);
    expect(s).toContain("<mark>zebra</mark>");
    expect(s.length).toBeLessThan(110);
  });
});
