// Chat Completions messages → IR system texts and messages, validated with paths.
// System and developer messages are hoisted into the system prompt in order (Anthropic
// has only one); `tool` messages become tool_result blocks of a user turn.
import { TranslateError } from "../errors";
import type { IrAssistantBlock, IrMediaSource, IrMessage, IrUserPart } from "../ir";
import { invalid, isRecord, needArray, needRecord, needString, optString } from "../json";
import { isImageMediaType } from "../wire/anthropic";

const TARGET = "Anthropic Messages";

export interface ParsedMessages {
  system: string[];
  messages: IrMessage[];
}

export function parseMessages(value: unknown): ParsedMessages {
  const system: string[] = [];
  const messages: IrMessage[] = [];
  needArray(value, "messages").forEach((item, i) => {
    const path = `messages[${i}]`;
    const msg = needRecord(item, path);
    const role = msg["role"];
    if (role !== "system" && role !== "developer" && role !== "user" && role !== "assistant" && role !== "tool") {
      throw new TranslateError(
        `${path}.role ${JSON.stringify(role)} has no ${TARGET} equivalent; use system, developer, user, assistant or tool`,
        `${path}.role`,
      );
    }
    // field-policy.ts: messages[].name → drop (Anthropic has no participant names).
    switch (role) {
      case "system":
      case "developer":
        system.push(...texts(msg["content"], `${path}.content`));
        break;
      case "user":
        messages.push({ role: "user", content: userContent(msg["content"], `${path}.content`) });
        break;
      case "assistant":
        messages.push({ role: "assistant", content: assistantContent(msg, path) });
        break;
      case "tool":
        messages.push({
          role: "user",
          content: [
            {
              type: "tool_result",
              toolCallId: needString(msg["tool_call_id"], `${path}.tool_call_id`),
              content: texts(msg["content"], `${path}.content`).map((text) => ({ type: "text", text })),
              isError: false,
            },
          ],
        });
        break;
      default: {
        const never: never = role;
        throw new Error(`unreachable role ${String(never)}`);
      }
    }
  });
  return { system, messages };
}

/** A string, or an array of text parts, as text strings. */
function texts(content: unknown, path: string): string[] {
  if (typeof content === "string") return [content];
  if (content === undefined || content === null) return [];
  return needArray(content, path).map((item, j) => {
    const part = needRecord(item, `${path}[${j}]`);
    if (part["type"] !== "text") {
      throw new TranslateError(`${path}[${j}].type must be "text" here, got ${JSON.stringify(part["type"])}`, `${path}[${j}].type`);
    }
    return needString(part["text"], `${path}[${j}].text`);
  });
}

/** `data:<media type>;base64,<data>` split without regex; undefined for other URLs. */
function parseDataUrl(url: string, path: string): { mediaType: string; data: string } | undefined {
  if (!url.startsWith("data:")) return undefined;
  const comma = url.indexOf(",");
  const meta = comma === -1 ? "" : url.slice(5, comma);
  if (!meta.endsWith(";base64")) {
    throw new TranslateError(`${path} must be a base64 data URL (data:<type>;base64,...) or an https URL`, path);
  }
  return { mediaType: meta.slice(0, meta.length - 7), data: url.slice(comma + 1) };
}

function imageSource(url: string, path: string): IrMediaSource {
  const data = parseDataUrl(url, path);
  if (data === undefined) return { kind: "url", url };
  if (!isImageMediaType(data.mediaType)) {
    throw new TranslateError(`${path}: image type ${JSON.stringify(data.mediaType)} is not supported; use jpeg, png, gif or webp`, path);
  }
  return { kind: "base64", mediaType: data.mediaType, data: data.data };
}

function userContent(content: unknown, path: string): IrUserPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return needArray(content, path).map((item, j): IrUserPart => {
    const partPath = `${path}[${j}]`;
    const part = needRecord(item, partPath);
    switch (part["type"]) {
      case "text":
        return { type: "text", text: needString(part["text"], `${partPath}.text`) };
      case "image_url": {
        const image = part["image_url"];
        const url = isRecord(image) ? image["url"] : image;
        return { type: "image", source: imageSource(needString(url, `${partPath}.image_url.url`), `${partPath}.image_url.url`) };
      }
      case "file": {
        const file = needRecord(part["file"], `${partPath}.file`);
        const fileData = optString(file["file_data"], `${partPath}.file.file_data`);
        const data = fileData === undefined ? undefined : parseDataUrl(fileData, `${partPath}.file.file_data`);
        if (data === undefined || data.mediaType !== "application/pdf") {
          throw new TranslateError(
            `${partPath}.file: only inline PDFs (file_data as a data:application/pdf;base64 URL) can be sent to ${TARGET}`,
            `${partPath}.file`,
          );
        }
        const source: IrMediaSource = { kind: "base64", mediaType: data.mediaType, data: data.data };
        return { type: "document", source, title: optString(file["filename"], `${partPath}.file.filename`) };
      }
      default:
        throw new TranslateError(
          `${partPath}.type ${JSON.stringify(part["type"])} has no ${TARGET} equivalent; remove the part`,
          `${partPath}.type`,
        );
    }
  });
}

function assistantContent(msg: Record<string, unknown>, path: string): IrAssistantBlock[] {
  for (const key of ["function_call", "audio"]) {
    if (msg[key] !== undefined && msg[key] !== null) {
      throw new TranslateError(`${path}.${key} has no ${TARGET} equivalent; use tool_calls`, `${path}.${key}`);
    }
  }
  const blocks: IrAssistantBlock[] = [];
  const reasoning = msg["reasoning_content"] ?? msg["reasoning"];
  if (typeof reasoning === "string" && reasoning !== "") {
    blocks.push({ type: "thinking", thinking: reasoning, signature: undefined });
  }
  const content = msg["content"];
  if (typeof content === "string") {
    blocks.push({ type: "text", text: content });
  } else if (content !== undefined && content !== null) {
    needArray(content, `${path}.content`).forEach((item, j) => {
      const part = needRecord(item, `${path}.content[${j}]`);
      const text = part["type"] === "refusal" ? part["refusal"] : part["text"];
      if (part["type"] !== "text" && part["type"] !== "refusal") {
        throw new TranslateError(
          `${path}.content[${j}].type must be "text" or "refusal", got ${JSON.stringify(part["type"])}`,
          `${path}.content[${j}].type`,
        );
      }
      blocks.push({ type: "text", text: needString(text, `${path}.content[${j}].${String(part["type"])}`) });
    });
  }
  const refusal = msg["refusal"];
  if (typeof refusal === "string" && refusal !== "") blocks.push({ type: "text", text: refusal });
  const calls = msg["tool_calls"];
  if (calls !== undefined && calls !== null) {
    needArray(calls, `${path}.tool_calls`).forEach((item, j) => blocks.push(toolCall(item, `${path}.tool_calls[${j}]`)));
  }
  return blocks;
}

function toolCall(item: unknown, path: string): IrAssistantBlock {
  const call = needRecord(item, path);
  if (call["type"] !== undefined && call["type"] !== "function") {
    throw new TranslateError(`${path}.type ${JSON.stringify(call["type"])} has no ${TARGET} equivalent`, `${path}.type`);
  }
  const fn = needRecord(call["function"], `${path}.function`);
  const args = optString(fn["arguments"], `${path}.function.arguments`) ?? "";
  let input: unknown = {};
  if (args.trim() !== "") {
    try {
      input = JSON.parse(args);
    } catch {
      throw new TranslateError(`${path}.function.arguments must be a JSON object, got invalid JSON`, `${path}.function.arguments`);
    }
  }
  if (!isRecord(input)) throw invalid(`${path}.function.arguments`, "a JSON object", input);
  return {
    type: "tool_use",
    id: needString(call["id"], `${path}.id`),
    name: needString(fn["name"], `${path}.function.name`),
    input,
  };
}
