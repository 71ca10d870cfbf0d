// Chat Completions messages → IR system texts and messages, validated with paths.
// System and developer messages are hoisted into the system prompt in order (Anthropic
// has only one); `tool` messages become tool_result blocks of a user turn. Parts and fields
// without a counterpart follow field-policy.ts (unknown parts: their text, else dropped).
import { TranslateError } from "../errors";
import { CHAT_TO_ANTHROPIC, refuse } from "../field-policy";
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
    if (role === "function") throw refuse(CHAT_TO_ANTHROPIC, "messages[].role=function", `${path}.role`, `${path}.role "function"`);
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
              content: toolContent(msg["content"], `${path}.content`),
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

/** A string, or an array of parts, as text strings (a system prompt is text only: other parts count by their text, if any). */
function texts(content: unknown, path: string): string[] {
  if (typeof content === "string") return [content];
  if (content === undefined || content === null) return [];
  return needArray(content, path).flatMap((item, j) => {
    const part = needRecord(item, `${path}[${j}]`);
    if (part["type"] === "text") return [needString(part["text"], `${path}[${j}].text`)];
    return typeof part["text"] === "string" ? [part["text"]] : [];
  });
}

/** A tool message's content: a string, or text and image parts (field-policy.ts: messages[].role=tool). */
function toolContent(content: unknown, path: string): IrUserPart[] {
  if (content === undefined || content === null) return [];
  return userContent(content, path);
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
    throw refuse(CHAT_TO_ANTHROPIC, "messages[].content[].image_url (other types)", path, `${path} ${JSON.stringify(data.mediaType)}`);
  }
  return { kind: "base64", mediaType: data.mediaType, data: data.data };
}

function userContent(content: unknown, path: string): IrUserPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return needArray(content, path).flatMap((item, j): IrUserPart[] => {
    const partPath = `${path}[${j}]`;
    const part = needRecord(item, partPath);
    switch (part["type"]) {
      case "text":
        return [{ type: "text", text: needString(part["text"], `${partPath}.text`) }];
      case "image_url": {
        const image = part["image_url"];
        const url = isRecord(image) ? image["url"] : image;
        return [{ type: "image", source: imageSource(needString(url, `${partPath}.image_url.url`), `${partPath}.image_url.url`) }];
      }
      case "file": {
        const file = needRecord(part["file"], `${partPath}.file`);
        const fileData = optString(file["file_data"], `${partPath}.file.file_data`);
        const data = fileData === undefined ? undefined : parseDataUrl(fileData, `${partPath}.file.file_data`);
        if (fileData === undefined && file["file_id"] !== undefined) {
          throw refuse(CHAT_TO_ANTHROPIC, "messages[].content[].file.file_id", `${partPath}.file`, `${partPath}.file.file_id`);
        }
        if (data === undefined || data.mediaType !== "application/pdf") {
          throw new TranslateError(
            `${partPath}.file: only inline PDFs (file_data as a data:application/pdf;base64 URL) can be sent to ${TARGET}`,
            `${partPath}.file`,
          );
        }
        const source: IrMediaSource = { kind: "base64", mediaType: data.mediaType, data: data.data };
        return [{ type: "document", source, title: optString(file["filename"], `${partPath}.file.filename`) }];
      }
      case "input_audio":
        throw refuse(CHAT_TO_ANTHROPIC, "messages[].content[].type=input_audio", `${partPath}.type`, `${partPath}.type "input_audio"`);
      default:
        // field-policy.ts: an unknown part is sent as its text when it has one, else dropped.
        return typeof part["text"] === "string" ? [{ type: "text", text: part["text"] }] : [];
    }
  });
}

function assistantContent(msg: Record<string, unknown>, path: string): IrAssistantBlock[] {
  for (const key of ["function_call", "audio"]) {
    if (msg[key] !== undefined && msg[key] !== null) throw refuse(CHAT_TO_ANTHROPIC, "messages[].function_call|audio", `${path}.${key}`);
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
      // field-policy.ts: messages[].content[].type=<unknown> → drop.
      if (part["type"] !== "text" && part["type"] !== "refusal") return;
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
    throw refuse(CHAT_TO_ANTHROPIC, "messages[].tool_calls[].type=<not function>", `${path}.type`, `${path}.type ${JSON.stringify(call["type"])}`);
  }
  const fn = needRecord(call["function"], `${path}.function`);
  const args = optString(fn["arguments"], `${path}.function.arguments`) ?? "";
  let input: unknown = {};
  if (args.trim() !== "") {
    try {
      input = JSON.parse(args);
    } catch {
      throw refuse(CHAT_TO_ANTHROPIC, "messages[].tool_calls[].function.arguments", `${path}.function.arguments`, `${path}.function.arguments is not valid JSON; it`);
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
