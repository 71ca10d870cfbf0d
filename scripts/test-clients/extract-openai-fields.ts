// Writes fixtures/openai-openapi/request-fields.json: every optional top-level property of
// CreateChatCompletionRequest and CreateResponse in OpenAI's published OpenAPI document, with
// one example value each (the property's own `example`, else its `default`, else a value
// synthesised from its schema). The never-refused test sends each one to Gatehouse.
//
//   node --import tsx scripts/test-clients/extract-openai-fields.ts <openapi.json> <commit>
//
// The document comes from github.com/openai/openai-openapi (not a dependency: read it from a
// checkout); the extract records which commit it was read at.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../test/support/local-worker";
import { collectProperties, exampleOf, type Schema } from "./openapi-examples";

const SCHEMAS = ["CreateChatCompletionRequest", "CreateResponse"] as const;

const WEATHER_PARAMETERS = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
/**
 * Values chosen by hand where the synthesised one is not what a client sends (a placeholder
 * key in a map, a JSON Schema that is not one, a string where the docs name a real value).
 */
const BY_HAND: Record<(typeof SCHEMAS)[number], Record<string, unknown>> = {
  CreateChatCompletionRequest: {
    tools: [{ type: "function", function: { name: "get_weather", description: "Current weather", parameters: WEATHER_PARAMETERS } }],
    functions: [{ name: "get_weather", description: "Current weather", parameters: WEATHER_PARAMETERS }],
    logit_bias: { "50256": -100 },
    metadata: { purpose: "never-refused" },
    moderation: { model: "omni-moderation-latest" },
  },
  CreateResponse: {
    tools: [{ type: "function", name: "get_weather", description: "Current weather", parameters: WEATHER_PARAMETERS, strict: false }],
    metadata: { purpose: "never-refused" },
    moderation: { model: "omni-moderation-latest" },
    context_management: [{ type: "compaction", compact_threshold: 200000 }],
    conversation: "conv_689667905b048191b4740501625afd940c7533ace33a2dab",
    prompt: { id: "pmpt_abc123", version: "2" },
    reasoning: { effort: "low", summary: "auto" },
    text: { format: { type: "text" }, verbosity: "low" },
  },
};

function main(): void {
  const [file, commit] = process.argv.slice(2);
  if (!file || !commit) throw new Error("usage: extract-openai-fields.ts <openapi.json> <commit>");
  const doc = JSON.parse(readFileSync(file, "utf8")) as { info?: { version?: string }; components: { schemas: Record<string, Schema> } };
  const all = doc.components.schemas;
  const out: Record<string, { required: string[]; optional: Record<string, { example: unknown; by_hand?: true; deprecated?: true }> }> = {};
  for (const name of SCHEMAS) {
    const root = all[name];
    if (!root) throw new Error(`${name} is not in the document`);
    const { properties, required } = collectProperties(root, all);
    const optional: Record<string, { example: unknown; by_hand?: true; deprecated?: true }> = {};
    for (const [prop, schema] of Object.entries(properties).sort(([a], [b]) => a.localeCompare(b))) {
      if (required.has(prop)) continue;
      const hand = BY_HAND[name][prop];
      optional[prop] = { example: hand ?? exampleOf(schema, all), ...(hand !== undefined ? { by_hand: true as const } : {}), ...(schema.deprecated === true ? { deprecated: true as const } : {}) };
    }
    out[name] = { required: [...required].sort(), optional };
  }
  const extract = {
    source: "https://github.com/openai/openai-openapi/blob/" + commit + "/openapi.json",
    commit,
    api_version: doc.info?.version ?? null,
    how: "scripts/test-clients/extract-openai-fields.ts: optional top-level properties (allOf merged); example = the schema's example, else default, else synthesised from the schema; by_hand marks values chosen by hand (BY_HAND in the script)",
    schemas: out,
  };
  writeFileSync(join(ROOT, "fixtures/openai-openapi/request-fields.json"), JSON.stringify(extract, null, 2) + "\n");
}

main();
