// Anthropic message content blocks → IR parts, validated, with paths in every error.
import { TranslateError } from "../errors";
import type { IrAssistantBlock, IrMediaSource, IrToolResult, IrUserPart } from "../ir";
import { invalid, isRecord, needArray, needRecord, needString, optBoolean, optString } from "../json";

function unsupported(path: string, type: unknown, where: string): TranslateError {
  return new TranslateError(
    `${path}.type ${JSON.stringify(type)} has no Chat Completions equivalent in ${where} messages; remove the block`,
    `${path}.type`,
  );
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
    default:
      throw new TranslateError(
        `${path}.type ${JSON.stringify(source["type"])} is not supported for ${kind}s here; send the ${kind} as base64 or a URL`,
        `${path}.type`,
      );
  }
}

/** image, document (PDF, or plain text which becomes text) and text blocks. */
function mediaOrText(block: Record<string, unknown>, path: string, where: string): IrUserPart {
  switch (block["type"]) {
    case "text":
      return { type: "text", text: needString(block["text"], `${path}.text`) };
    case "image":
      return { type: "image", source: mediaSource(block["source"], `${path}.source`, "image") };
    case "document": {
      const citations = block["citations"];
      if (isRecord(citations) && citations["enabled"] === true) {
        throw new TranslateError(
          `${path}.citations cannot be honoured by Chat Completions models; disable citations`,
          `${path}.citations`,
        );
      }
      const source = needRecord(block["source"], `${path}.source`);
      if (source["type"] === "text") return { type: "text", text: needString(source["data"], `${path}.source.data`) };
      return {
        type: "document",
        source: mediaSource(source, `${path}.source`, "document"),
        title: optString(block["title"], `${path}.title`),
      };
    }
    default:
      throw unsupported(path, block["type"], where);
  }
}

function toolResult(block: Record<string, unknown>, path: string): IrToolResult {
  const content = block["content"];
  let parts: IrUserPart[];
  if (content === undefined || content === null) parts = [];
  else if (typeof content === "string") parts = [{ type: "text", text: content }];
  else {
    parts = needArray(content, `${path}.content`).map((item, k) =>
      mediaOrText(needRecord(item, `${path}.content[${k}]`), `${path}.content[${k}]`, "tool_result"),
    );
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
  return needArray(content, path).map((item, j) => {
    const blockPath = `${path}[${j}]`;
    const block = needRecord(item, blockPath);
    return block["type"] === "tool_result" ? toolResult(block, blockPath) : mediaOrText(block, blockPath, "user");
  });
}

export function parseAssistantContent(content: unknown, path: string): IrAssistantBlock[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return needArray(content, path).map((item, j): IrAssistantBlock => {
    const blockPath = `${path}[${j}]`;
    const block = needRecord(item, blockPath);
    switch (block["type"]) {
      case "text":
        return { type: "text", text: needString(block["text"], `${blockPath}.text`) };
      case "thinking":
        return {
          type: "thinking",
          thinking: needString(block["thinking"], `${blockPath}.thinking`),
          signature: optString(block["signature"], `${blockPath}.signature`),
        };
      case "redacted_thinking":
        return { type: "redacted_thinking", data: needString(block["data"], `${blockPath}.data`) };
      case "tool_use": {
        const input = block["input"];
        if (!isRecord(input)) throw invalid(`${blockPath}.input`, "an object", input);
        return {
          type: "tool_use",
          id: needString(block["id"], `${blockPath}.id`),
          name: needString(block["name"], `${blockPath}.name`),
          input,
        };
      }
      default:
        throw unsupported(blockPath, block["type"], "assistant");
    }
  });
}
