// Translate a recorded upstream response (SSE stream or JSON body) between the OpenAI
// and Anthropic shapes, for people debugging a provider:
//   npm run -s translate -- --from openai --to anthropic [--stream] < recording.sse
// Exit codes: 0 translated; 1 translated, but the upstream reported an error or its
// stream was cut short (the error event is in the output); 2 bad arguments or input.
import { parseArgs } from "node:util";
import {
  TranslateError,
  UpstreamFormatError,
  anthropicRequestToOpenAI,
  anthropicResponseToOpenAI,
  createStreamTranslator,
  openAIRequestToAnthropic,
  openAIResponseToAnthropic,
  translateErrorBody,
} from "../runtime/translate";
import type { ResponseOptions, WireFormat } from "../runtime/translate";

const USAGE = `usage: npm run -s translate -- --from <openai|anthropic> --to <openai|anthropic> [options] < input

Reads a recorded upstream response on stdin (an SSE stream or a JSON body, detected
automatically) and writes its translation on stdout; a summary goes to stderr.

options:
  --stream           treat stdin as an SSE stream even if it looks like JSON
  --request          stdin is a request body (client → upstream) instead of a response
  --status <code>    HTTP status of an error body on stdin (classifies it; default from the body)
  --model <name>     model name to report in the output
  --stop <sequence>  a stop sequence of the original request (repeatable)
  --id <id>          response id to report (default: derived from upstream)
  --created <secs>   "created" timestamp for OpenAI output (default: now)
  -h, --help         show this help`;

class UsageError extends Error {}

function shape(value: string | undefined, flag: string): WireFormat {
  if (value === "openai" || value === "anthropic") return value;
  throw new UsageError(`${flag} must be "openai" or "anthropic"${value === undefined ? "" : `, got "${value}"`}`);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`stdin looks like JSON but does not parse: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new UsageError("stdin JSON must be an object");
  return { ...value };
}

function isErrorBody(body: Record<string, unknown>): boolean {
  return "error" in body && !("choices" in body) && !("content" in body);
}

function translateJson(
  from: WireFormat,
  to: WireFormat,
  body: Record<string, unknown>,
  values: Values,
  opts: ResponseOptions,
): number {
  if (values.request === true) {
    const out = from === to ? body : from === "anthropic" ? anthropicRequestToOpenAI(body) : openAIRequestToAnthropic(body);
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  if (isErrorBody(body)) {
    const status = values.status === undefined ? 0 : Number(values.status);
    const result = translateErrorBody(from, to, status, body);
    process.stdout.write(`${result.body}\n`);
    process.stderr.write(`translate: upstream error ${result.error.type} (retryable: ${result.error.retryable}): ${result.error.message}\n`);
    return 1;
  }
  const out =
    from === to ? body : from === "openai" ? openAIResponseToAnthropic(body, opts) : anthropicResponseToOpenAI(body, opts);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

function translateSse(from: WireFormat, to: WireFormat, text: string, opts: ResponseOptions): number {
  if (!text.includes("data:")) throw new UsageError("stdin is neither a JSON body nor an SSE stream (no `data:` lines)");
  const translator = createStreamTranslator(from, to, opts);
  process.stdout.write(translator.push(text));
  process.stdout.write(translator.end());
  const u = translator.usage;
  process.stderr.write(
    `translate: stop ${translator.stopReason ?? "-"}; usage input ${u.input_tokens}, output ${u.output_tokens}, cache read ${u.cache_read_input_tokens}, cache write ${u.cache_creation_input_tokens}\n`,
  );
  const error = translator.upstreamError;
  if (error === undefined) return 0;
  const hint = translator.sawContent ? "" : ` (no content was recognised: is --from ${from} right?)`;
  process.stderr.write(`translate: upstream error ${error.type} (retryable: ${error.retryable}): ${error.message}${hint}\n`);
  return 1;
}

type Values = ReturnType<typeof parse>["values"];

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      from: { type: "string" },
      to: { type: "string" },
      stream: { type: "boolean" },
      request: { type: "boolean" },
      status: { type: "string" },
      model: { type: "string" },
      stop: { type: "string", multiple: true },
      id: { type: "string" },
      created: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
}

async function main(): Promise<number> {
  let values: Values;
  try {
    values = parse(process.argv.slice(2)).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const from = shape(values.from, "--from");
  const to = shape(values.to, "--to");
  if (values.status !== undefined && !Number.isInteger(Number(values.status))) throw new UsageError("--status must be an HTTP status code");
  if (values.created !== undefined && !Number.isInteger(Number(values.created))) throw new UsageError("--created must be an integer");
  const opts: ResponseOptions = {};
  if (values.model !== undefined) opts.model = values.model;
  if (values.stop !== undefined) opts.stopSequences = values.stop;
  if (values.id !== undefined) opts.messageId = values.id;
  if (values.created !== undefined) opts.created = Number(values.created);

  const text = await readStdin();
  if (text.trim() === "") throw new UsageError("no input on stdin");
  const looksJson = text.trimStart().startsWith("{");
  if (values.stream === true || !looksJson) return translateSse(from, to, text, opts);
  return translateJson(from, to, parseJson(text), values, opts);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`translate: ${err.message}\n\n${USAGE}\n`);
    } else if (err instanceof TranslateError || err instanceof UpstreamFormatError) {
      process.stderr.write(`translate: ${err.message}\n`);
    } else {
      process.stderr.write(`translate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    process.exitCode = 2;
  },
);
