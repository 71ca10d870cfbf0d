// Anthropic message content blocks → IR parts, validated, with paths in every error. Block
// types without a counterpart follow field-policy.ts: sent as their text when they carry
// some (e.g. `search_result`), else dropped; never an error.
import { TranslateError } from "../errors";
import { ANTHROPIC_TO_CHAT, refuse } from "../field-policy";
import type { IrAssistantBlock, IrMediaSource, IrToolResult, IrUserPart } from "../ir";
import { invalid, isRecord, needArray, needRecord, needString, optBoolean, optString } from "../json";

/** The text an unknown block carries (`text`, or the text blocks of its `content`), if any. */
function textOf(block: Record<string, unknown>): string | undefined {
  if (typeof block["text"] === "string") return block["text"];
  const content = block["content"];
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return undefined;
  const texts = content.flatMap((c) => (isRecord(c) && typeof c["text"] === "string" ? [c["text"]] : []));
  return texts.length > 0 ? texts.join("\n") : undefined;
}

function mediaSource(value: unknown, path: string, kind: "image" | "document"): IrMediaSource {
  const source = needRecord(value, path);
  switch (source["type"]) {
    case "base64":
      return {
        kind: "base64",
        mediaType: needString(source["media_type"], `${path}.media_type`),
        data: needString(source["data"], `${path}.data`),
      };
    case "url":
      return { kind: "url", url: needString(source["url"], `${path}.url`) };
    case "file":
      throw refuse(ANTHROPIC_TO_CHAT, "messages[].content[].source.type=file", `${path}.type`, `${path}.type "file"`);
    default:
      throw new TranslateError(
        `${path}.type ${JSON.stringify(source["type"])} is not supported for ${kind}s here; send the ${kind} as base64 or a URL`,
        `${path}.type`,
      );
  }
}

/** image, document (PDF, or plain text which becomes text) and text blocks; undefined for a block dropped by policy. */
function mediaOrText(block: Record<string, unknown>, path: string): IrUserPart | undefined {
  switch (block["type"]) {
    case "text":
      return { type: "text", text: needString(block["text"], `${path}.text`) };
    case "image":
      return { type: "image", source: mediaSource(block["source"], `${path}.source`, "image") };
    case "document": {
      // field-policy.ts: citations → drop (the document itself is still sent).
      const source = needRecord(block["source"], `${path}.source`);
      if (source["type"] === "text") return { type: "text", text: needString(source["data"], `${path}.source.data`) };
      return {
        type: "document",
        source: mediaSource(source, `${path}.source`, "document"),
        title: optString(block["title"], `${path}.title`),
      };
    }
    default: {
      const text = textOf(block);
      return text === undefined ? undefined : { type: "text", text };
    }
  }
}

function toolResult(block: Record<string, unknown>, path: string): IrToolResult {
  const content = block["content"];
  let parts: IrUserPart[];
  if (content === undefined || content === null) parts = [];
  else if (typeof content === "string") parts = [{ type: "text", text: content }];
  else {
    parts = needArray(content, `${path}.content`).flatMap((item, k) => {
      const part = mediaOrText(needRecord(item, `${path}.content[${k}]`), `${path}.content[${k}]`);
      return part === undefined ? [] : [part];
    });
  }
  return {
    type: "tool_result",
    toolCallId: needString(block["tool_use_id"], `${path}.tool_use_id`),
    content: parts,
    isError: optBoolean(block["is_error"], `${path}.is_error`) ?? false,
  };
}

export function parseUserContent(content: unknown, path: string): Array<IrUserPart | IrToolResult> {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return needArray(content, path).flatMap((item, j): Array<IrUserPart | IrToolResult> => {
    const blockPath = `${path}[${j}]`;
    const block = needRecord(item, blockPath);
    if (block["type"] === "tool_result") return [toolResult(block, blockPath)];
    const part = mediaOrText(block, blockPath);
    return part === undefined ? [] : [part];
  });
}

export function parseAssistantContent(content: unknown, path: string): IrAssistantBlock[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return needArray(content, path).flatMap((item, j): IrAssistantBlock[] => {
    const blockPath = `${path}[${j}]`;
    const block = needRecord(item, blockPath);
    switch (block["type"]) {
      case "text":
        return [{ type: "text", text: needString(block["text"], `${blockPath}.text`) }];
      case "thinking":
        return [
          {
            type: "thinking",
            thinking: needString(block["thinking"], `${blockPath}.thinking`),
            signature: optString(block["signature"], `${blockPath}.signature`),
          },
        ];
      case "redacted_thinking":
        return [{ type: "redacted_thinking", data: needString(block["data"], `${blockPath}.data`) }];
      case "tool_use": {
        const input = block["input"];
        if (!isRecord(input)) throw invalid(`${blockPath}.input`, "an object", input);
        return [
          {
            type: "tool_use",
            id: needString(block["id"], `${blockPath}.id`),
            name: needString(block["name"], `${blockPath}.name`),
            input,
          },
        ];
      }
      default:
        // field-policy.ts: server_tool_use, *_tool_result, container_upload, … → drop (the
        // target cannot read them; their results reach the model as the text that follows).
        return [];
    }
  });
}
