// Catalog search over the real manifests (the generated index of connectors/*.yaml): the tool a
// person means comes first for everyday intents, synonyms and stems reach the manifests' own
// words, a named vendor's tools lead, and nothing outside the manifests ever comes back.
// Cases for connectors that are not in connectors/ yet are skipped until their manifest lands.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { emitConnectorSearch } from "../../../codegen/emit/connector-search";
import type { ManifestView } from "../../../codegen/validate/manifest-view";
import { searchCatalog } from "../../../runtime/tools/catalog-search";
import { stem, terms, words } from "../../../generated/connectors/search-terms";

// The manifests as written: the index must answer for exactly these.
const dir = join(import.meta.dirname, "../../../connectors");
const manifests: Record<string, ManifestView> = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => parse(readFileSync(join(dir, f), "utf8")) as ManifestView)
    .map((m) => [m.id, m]),
);
const has = (...ids: string[]) => ids.every((id) => manifests[id] !== undefined);
const top = (intent: string, n = 1) => searchCatalog(intent, { limit: n }).map((h) => h.tool);
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
    expect(words("list_board_lists")).toEqual(["list", "board", "lists"]);
    expect(words("GitHub teamId")).toEqual(["github", "git", "hub", "teamid", "team", "id"]);
    expect(words("Créer un ticket")).toEqual(["creer", "un", "ticket"]);
    expect(terms("Please send a message to the team")).toEqual(["send", "messag", "team"]);
  });
});

describe("ranking over the manifests in connectors/", () => {
  const cases: [intent: string, first: string, needs: string[]][] = [
    ["open an issue on github", "github/create_issue", ["github"]],
    ["create a pull request", "github/create_pull_request", ["github"]],
    ["open a PR from my branch", "github/create_pull_request", ["github"]],
    ["read a file from a repo", "github/get_file_contents", ["github"]],
    ["list the directory contents of a repository", "github/get_file_contents", ["github"]],
    ["linear ticket", "linear/create_issue", ["linear"]],
    ["search linear tickets", "linear/search_issues", ["linear"]],
    ["comment on an issue", "linear/create_comment", ["linear"]],
    ["add a new customer", "stripe/create_customer", ["stripe"]],
    ["find customers by email", "stripe/list_customers", ["stripe"]],
    ["look up a client by mail address", "stripe/list_customers", ["stripe"]],
    ["unpaid invoices of a customer", "stripe/list_invoices", ["stripe"]],
    ["send an SMS", "twilio/send_sms", ["twilio"]],
    ["send a WhatsApp message", "twilio/send_sms", ["twilio"]],
    ["send a text message to a telegram chat", "telegram/send_message", ["telegram"]],
    ["place a phone call", "twilio/make_call", ["twilio"]],
    ["search logs", "datadog/search_logs", ["datadog"]],
    ["query a metric timeseries", "datadog/query_metrics", ["datadog"]],
    ["create a trello card", "trello/create_card", ["trello"]],
    ["list my boards", "trello/list_boards", ["trello"]],
    ["telegram send a file", "telegram/send_document", ["telegram"]],
    ["post a message to a discord channel", "discord/send_message", ["discord"]],
    ["reply to a customer conversation", "help-scout/reply_to_conversation", ["help-scout"]],
  ];
  for (const [intent, first, needs] of cases) {
    it.skipIf(!has(...needs))(`"${intent}" → ${first}`, () => {
      expect(top(intent)).toEqual([first]);
    });
  }

  it("synonyms reach the manifests' words: ticket → issue, PR → pull request, client → customer", () => {
    expect(top("ticket", 3)).toContain("github/create_issue");
    expect(top("pr")).toEqual(["github/create_pull_request"]);
    expect(top("client", 3)).toEqual(expect.arrayContaining(["stripe/create_customer", "stripe/list_customers"]));
    // A word the intent used outweighs its synonym: "issue" scores the issue tools higher than "ticket" does.
    const byIssue = searchCatalog("issue").find((h) => h.tool === "github/create_issue")?.score ?? 0;
    const byTicket = searchCatalog("ticket").find((h) => h.tool === "github/create_issue")?.score ?? 0;
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
    const hits = top("open an issue in linear", 10);
    const linear = allTools.filter((t) => t.startsWith("linear/"));
    expect(hits.slice(0, linear.length).sort()).toEqual([...linear].sort());
    // The name alone lists every tool of that vendor and nothing else first.
    for (const m of Object.values(manifests)) {
      if (m.auth.mode === "mcp" || m.tools.length === 0) continue;
      const got = top(m.name, m.tools.length);
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
    expect(searchCatalog("create", { connectors: ["stripe"] }).map((h) => h.connector)).toEqual(["stripe"]);
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
    for (const intent of ["constructor", "__proto__", "prototype", "valueOf", "zzzzqqq"]) expect(searchCatalog(intent)).toEqual([]);
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
    expect(out).toContain(`["zeta-desk", [["zeta","desk"]]]`);
    expect(out).toMatch(/\["ticketid", \[0,\d+\]\]/);
    expect(emitConnectorSearch([...views].reverse())["connectors/search-index.ts"]).toBe(out);
  });
});
