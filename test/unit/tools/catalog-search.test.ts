// Catalog search over the real manifests (the generated index of connectors/*.yaml): the tool a
// person means comes first for everyday intents, synonyms and stems reach the manifests' own
// words, a named vendor's tools lead, and nothing outside the manifests ever comes back.
// Cases for connectors that are not in connectors/ yet are skipped until their manifest lands.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { emitConnectorSearch } from "../../../codegen/emit/connector-search";
import type { ManifestView } from "../../../codegen/validate/manifest-view";
import { searchCatalog } from "../../../runtime/tools/catalog-search";
import { stem, terms, words } from "../../../generated/connectors/search-terms";
import { searchTools } from "../../../generated/connectors/search-index";
import { loadIntents, searchQuality } from "../../../bench/tools/search-quality";

// The manifests as written: the index must answer for exactly these.
const dir = join(import.meta.dirname, "../../../connectors");
const manifests: Record<string, ManifestView> = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => parse(readFileSync(join(dir, f), "utf8")) as ManifestView)
    .map((m) => [m.id, m]),
);
const has = (...ids: string[]) => ids.every((id) => manifests[id] !== undefined);
// The ranking cases below were written over the first ten manifests; they search among those
// ten, so catalog growth does not move them (the whole catalog's ranking is measured by the
// intents in fixtures/tool-intents.json, at the end of this file).
const BASE = ["github", "linear", "stripe", "twilio", "datadog", "trello", "discord", "telegram", "help-scout", "zapier"];
const top = (intent: string, n = 1) => searchCatalog(intent, { limit: n, connectors: BASE }).map((h) => h.tool);
const allTools = Object.values(manifests).flatMap((m) => (m.auth.mode === "mcp" ? [] : m.tools.map((t) => `${m.id}/${t.name}`)));

describe("text analysis (one set of rules for index and query)", () => {
  it("stems plurals, -ing and -ed to one term, and keeps short or vowel-less words whole", () => {
    const same = [
      ["create", "creates", "creating", "created"],
      ["issue", "issues"],
      ["message", "messages"],
      ["list", "lists", "listing"],
      ["mailbox", "mailboxes"],
      ["repository", "repositories"],
      ["get", "getting"],
      ["update", "updated", "updates", "updating"],
    ];
    for (const group of same) expect(new Set(group.map(stem)), group.join(",")).toHaveLength(1);
    expect(["status", "address", "string", "thing", "sms", "need"].map(stem)).toEqual(["status", "address", "string", "thing", "sms", "need"]);
  });

  it("splits snake_case, counts camelCase whole and in parts, folds accents, drops stopwords", () => {
    const single = (t: string) => words(t).filter((w) => !w.includes("_"));
    expect(single("list_board_lists")).toEqual(["list", "board", "lists"]);
    expect(single("GitHub teamId")).toEqual(["github", "git", "hub", "teamid", "team", "id"]);
    expect(single("Créer un ticket")).toEqual(["creer", "un", "ticket"]);
    expect(terms("Please send a message to the team").filter((w) => !w.includes("_"))).toEqual(["send", "messag", "team"]);
  });

  it("adds word pairs (neighbours and one apart, first word stemmed) so a verb meets its object", () => {
    expect(words("list_board_lists")).toEqual(["list", "board", "lists", "list_board", "board_lists", "list_lists"]);
    expect(terms("creating invoices")).toContain("creat_invoic");
    expect(terms("create_invoice")).toContain("creat_invoic");
    expect(terms("send a text message")).toContain("send_messag");
    // camelCase parts are not paired; stopwords are skipped before pairing.
    expect(words("GitHub teamId").filter((w) => w.includes("_"))).toEqual(["github_teamid"]);
  });

  it('reads "look up" as the one word lookup', () => {
    expect(words("look up a contact")).toEqual(["lookup", "contact", "lookup_contact"]);
    expect(words("looking up contacts")[0]).toBe("lookup");
  });
});

describe("ranking over the manifests in connectors/", () => {
  // [intent, the tools that are a right first answer, the connectors the case needs].
  const cases: [intent: string, first: string[], needs: string[]][] = [
    ["open an issue on github", ["github/create_issue"], ["github"]],
    ["create a pull request", ["github/create_pull_request"], ["github"]],
    ["open a PR from my branch", ["github/create_pull_request"], ["github"]],
    ["read a file from a repo", ["github/get_file_contents"], ["github"]],
    ["list the directory contents of a repository", ["github/get_file_contents"], ["github"]],
    ["linear ticket", ["linear/create_issue"], ["linear"]],
    ["search linear tickets", ["linear/search_issues"], ["linear"]],
    ["comment on an issue", ["linear/create_comment", "github/add_issue_comment"], ["linear"]],
    ["add a new customer", ["stripe/create_customer"], ["stripe"]],
    ["find customers by email", ["stripe/list_customers"], ["stripe"]],
    ["unpaid invoices of a customer", ["stripe/list_invoices"], ["stripe"]],
    ["send an SMS", ["twilio/send_sms"], ["twilio"]],
    ["send a text message to a telegram chat", ["telegram/send_message"], ["telegram"]],
    ["place a phone call", ["twilio/make_call"], ["twilio"]],
    ["search logs", ["datadog/search_logs"], ["datadog"]],
    ["query a metric timeseries", ["datadog/query_metrics"], ["datadog"]],
    ["create a trello card", ["trello/create_card"], ["trello"]],
    ["list my boards", ["trello/list_boards"], ["trello"]],
    ["telegram send a file", ["telegram/send_document"], ["telegram"]],
    ["post a message to a discord channel", ["discord/send_message"], ["discord"]],
    ["reply to a customer conversation", ["help-scout/reply_to_conversation"], ["help-scout"]],
  ];
  for (const [intent, first, needs] of cases) {
    it.skipIf(!has(...needs))(`"${intent}" → ${first.join(" or ")}`, () => {
      expect(first).toContain(top(intent)[0]);
    });
  }

  it("synonyms reach the manifests' words: ticket → issue, PR → pull request, client → customer", () => {
    expect(top("ticket", 3)).toContain("github/create_issue");
    expect(top("pr", 3)).toContain("github/create_pull_request");
    expect(top("client", 5)).toEqual(expect.arrayContaining(["stripe/create_customer", "stripe/list_customers"]));
    // A word the intent used outweighs its synonym: "issue" scores the issue tools higher than "ticket" does.
    const byIssue = searchCatalog("issue", { limit: 100, connectors: BASE }).find((h) => h.tool === "github/create_issue")?.score ?? 0;
    const byTicket = searchCatalog("ticket", { limit: 100, connectors: BASE }).find((h) => h.tool === "github/create_issue")?.score ?? 0;
    expect(byTicket).toBeGreaterThan(0);
    expect(byIssue).toBeGreaterThan(byTicket);
  });

  it("stems on both sides: 'creating issues' finds what 'create issue' finds", () => {
    expect(top("creating issues", 3)).toEqual(top("create issue", 3));
    expect(top("invoicing", 1)).toEqual(top("invoices", 1));
  });

  it("a named vendor's tools come first, before a stronger match of another vendor", () => {
    // Without the name, GitHub's create_issue is the best "open an issue"; with "linear", Linear's tools lead.
    expect(top("open an issue")).toEqual(["github/create_issue"]);
    const hits = searchCatalog("open an issue in linear", { limit: 20 }).map((h) => h.tool);
    const firstOther = hits.findIndex((t) => !t.startsWith("linear/"));
    expect(hits[0]).toBe("linear/create_issue");
    expect(hits.slice(firstOther).some((t) => t.startsWith("linear/")), hits.join(", ")).toBe(false);
    // The name alone lists every tool of that vendor and nothing else first.
    for (const m of Object.values(manifests)) {
      if (m.auth.mode === "mcp" || m.tools.length === 0) continue;
      // As people name it: "Xero", not the manifest's "(custom connection)" qualifier.
      const got = searchCatalog(m.name.replace(/\(.*?\)/g, "").trim(), { limit: m.tools.length }).map((h) => h.tool);
      expect(got.every((t) => t.startsWith(`${m.id}/`)), `${m.name} → ${got.join(", ")}`).toBe(true);
      expect(got).toHaveLength(m.tools.length);
    }
  });

  it("every hit is a real manifest tool with its manifest's description and annotations", () => {
    const intents = Object.values(manifests).flatMap((m) => [m.name, m.description, ...m.tools.map((t) => t.description)]);
    for (const intent of intents) {
      for (const h of searchCatalog(intent, { limit: 100 })) {
        const tool = manifests[h.connector]?.tools.find((t) => t.name === h.name);
        expect(tool, h.tool).toBeDefined();
        expect(h).toMatchObject({ tool: `${h.connector}/${h.name}`, description: tool?.description, read_only: tool?.annotations?.read_only ?? false, destructive: tool?.annotations?.destructive ?? false });
        expect(h.score).toBeGreaterThan(0);
      }
    }
  });

  it("is deterministic: scores descend, ties break on the tool name", () => {
    const hits = searchCatalog("list", { limit: 100 });
    expect(hits.length).toBeGreaterThan(1);
    for (let i = 1; i < hits.length; i++) {
      const [a, b] = [hits[i - 1]!, hits[i]!];
      expect(a.score > b.score || (a.score === b.score && a.tool < b.tool), `${a.tool} before ${b.tool}`).toBe(true);
    }
    expect(searchCatalog("list", { limit: 100 })).toEqual(hits);
  });

  it("limit and connectors narrow the answer", () => {
    expect(searchCatalog("create", { limit: 2 })).toHaveLength(2);
    expect(searchCatalog("create", { limit: 0 })).toEqual([]);
    expect(searchCatalog("create", { limit: 10_000 }).length).toBeLessThanOrEqual(100);
    expect(searchCatalog("create").every((h) => allTools.includes(h.tool))).toBe(true);
    const stripe = searchCatalog("create", { connectors: ["stripe"] });
    expect(stripe.length).toBeGreaterThan(0);
    expect(stripe.every((h) => h.connector === "stripe")).toBe(true);
    expect(searchCatalog("create", { connectors: [] })).toEqual([]);
    expect(searchCatalog("create", { connectors: ["no-such-vendor"] })).toEqual([]);
  });
});

describe("odd input", () => {
  it("an empty, blank, punctuation-only or stopword-only intent finds nothing", () => {
    for (const intent of ["", "   ", "?!…", "the of a to", "🙂🙂"]) expect(searchCatalog(intent), JSON.stringify(intent)).toEqual([]);
    expect(searchCatalog(undefined as unknown as string)).toEqual([]);
  });

  it("prototype names and unknown words find nothing; a huge intent is cut, not refused", () => {
    for (const intent of ["constructor", "__proto__", "prototype", "zzzzqqq"]) expect(searchCatalog(intent)).toEqual([]);
    // valueOf splits into "value" (a word manifests use): whatever it finds is a real tool.
    expect(searchCatalog("valueOf").every((h) => allTools.includes(h.tool))).toBe(true);
    const huge = "issue ".repeat(50_000);
    expect(searchCatalog(huge)).toEqual(searchCatalog("issue"));
    expect(searchCatalog(`pull request ${"x".repeat(5_000)} stripe`)).toEqual(searchCatalog("pull request"));
  });
});

describe("the index builder", () => {
  const base = { description: "d", categories: ["x"], auth: { mode: "bearer" }, http: { base_url: "https://x.example" } };
  const tool = (name: string, description: string) => ({ name, description, input_schema: { type: "object", properties: { ticketId: {} } }, request: { method: "GET", path: "/" } });
  const views: ManifestView[] = [
    { ...base, id: "zeta-desk", name: "Zeta Desk", tools: [tool("close_ticket", "Close a ticket.")] },
    { ...base, id: "mcp-thing", name: "MCP Thing", auth: { mode: "mcp", mcp: { url: "https://m.example" } }, tools: [tool("hidden", "Never indexed.")] },
  ];

  it("indexes static tools only (an MCP connector's tools are per connection), the same every run", () => {
    const out = emitConnectorSearch(views)["connectors/search-index.ts"] ?? "";
    expect(out).toContain(`["zeta-desk","close_ticket","Close a ticket.",0]`);
    expect(out).not.toContain("mcp-thing");
    expect(out).not.toContain("hidden");
    expect(out).toContain(`["zeta-desk", [["zeta","desk","zeta_desk"]]]`);
    // The verb's other words are indexed for the tool (close → nothing listed; see verb groups in SYNONYMS).
    expect(out).toContain(`["clos_ticket", [0,`);
    expect(out).toMatch(/\["ticketid", \[0,\d+\]\]/);
    expect(emitConnectorSearch([...views].reverse())["connectors/search-index.ts"]).toBe(out);
  });
});

// Search quality over fixtures/tool-intents.json (bench:tools reports the same figures in
// bench/tools.md): floors a little under what was measured, so a ranking regression fails here.
describe("search quality over fixtures/tool-intents.json", () => {
  // Measured over all 105 manifests (2026-12-07): named 1.000 / 0.962, unnamed 0.926 / 0.843.
  const FLOORS = { namedRecallAt3: 0.97, namedMrr: 0.93, unnamedRecallAt3: 0.9, unnamedMrr: 0.8 };
  const intents = loadIntents();
  const SHARED = join(import.meta.dirname, "../../../../shared/connectors/catalog.json");

  it("has at least 100 intents over all 15 categories, named and unnamed, each with expected tools", () => {
    expect(intents.length).toBeGreaterThanOrEqual(100);
    expect(new Set(intents.map((i) => i.category)).size).toBe(15);
    expect(intents.filter((i) => !i.named).length).toBeGreaterThanOrEqual(40);
    for (const i of intents) {
      expect(i.expect.length, i.intent).toBeGreaterThan(0);
      for (const t of i.expect) expect(t, i.intent).toMatch(/^[a-z0-9-]+\/[a-z][a-z0-9_]*$/);
    }
    expect(new Set(intents.map((i) => i.intent.toLowerCase())).size).toBe(intents.length);
  });

  it.skipIf(!existsSync(SHARED))("names only catalog vendors, and a named intent names its vendor while an unnamed one names none", () => {
    const rows = JSON.parse(readFileSync(SHARED, "utf8")) as { id: string; name: string; category: string }[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    // Its id, its name without a parenthesis, or the name's first word ("WhatsApp" for WhatsApp Business).
    const namesOf = (r: { id: string; name: string }) => [r.id.replace(/-/g, " "), r.name.replace(/\(.*?\)/g, "").trim(), r.name.split(/[ .]/)[0] as string].map((x) => x.toLowerCase());
    for (const i of intents) {
      const vendors = [...new Set(i.expect.map((t) => t.split("/")[0] as string))];
      for (const v of vendors) expect(byId.has(v), `${i.intent}: ${v}`).toBe(true);
      const text = i.intent.toLowerCase();
      const mentions = (id: string) => namesOf(byId.get(id) as { id: string; name: string }).some((n) => text.includes(n));
      if (i.named) expect(vendors.some(mentions), `"${i.intent}" is marked named but names none of ${vendors.join(", ")}`).toBe(true);
      else expect(rows.filter((r) => new RegExp(`\\b${namesOf(r)[0]}\\b`).test(text)).map((r) => r.id), `"${i.intent}" is marked unnamed`).toEqual([]);
    }
  });

  it("every expected tool exists in its connector once the connector is indexed (no stale expectations)", () => {
    expect(searchQuality(intents).stale).toEqual([]);
  });

  it(`recall@3 and MRR stay above their floors (${JSON.stringify(FLOORS)})`, () => {
    const q = searchQuality(intents);
    const why = q.misses.map((m) => `"${m.intent}": wanted ${m.expect.join("|")}, got ${m.got.join(", ")}`).join("\n");
    expect(q.named.n + q.unnamed.n).toBeGreaterThan(0);
    if (q.named.n > 0) {
      expect(q.named.recallAt3, why).toBeGreaterThanOrEqual(FLOORS.namedRecallAt3);
      expect(q.named.mrr, why).toBeGreaterThanOrEqual(FLOORS.namedMrr);
    }
    if (q.unnamed.n > 0) {
      expect(q.unnamed.recallAt3, why).toBeGreaterThanOrEqual(FLOORS.unnamedRecallAt3);
      expect(q.unnamed.mrr, why).toBeGreaterThanOrEqual(FLOORS.unnamedMrr);
    }
  });

  it("the figures would drop if ranking broke: a search that returns the index in order scores far below the floors", () => {
    const q = searchQuality(intents, () => searchTools.slice(0, 10).map(([c, t]) => `${c}/${t}`));
    expect(q.named.recallAt3).toBeLessThan(FLOORS.namedRecallAt3);
  });
});
