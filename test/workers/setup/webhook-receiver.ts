// vitest globalSetup (runs in node, not workerd): starts the local servers the tools tests
// call — the receiver for webhook tools and connector vendors, and an MCP server built with
// the official SDK — and hands their URLs to the tests through `inject(...)` (workerd can
// fetch 127.0.0.1 but cannot listen).
import type { TestProject } from "vitest/node";
import { startMcpServer } from "../../support/mcp-server";
import { startWebhookReceiver } from "../../support/webhook-receiver";

/** The connection token the MCP server demands. */
export const MCP_TEST_TOKEN = "mcp_workers_test_token";

declare module "vitest" {
  export interface ProvidedContext {
    webhookReceiverUrl: string;
    mcpServerUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const receiver = await startWebhookReceiver();
  const mcp = await startMcpServer({ token: MCP_TEST_TOKEN });
  project.provide("webhookReceiverUrl", receiver.url);
  project.provide("mcpServerUrl", mcp.url);
  return async () => {
    await Promise.all([receiver.close(), mcp.close()]);
  };
}
