// vitest globalSetup (runs in node, not workerd): starts the local receiver the tools tests
// send webhook calls and connector calls to, and hands its URL to the tests through
// `inject("webhookReceiverUrl")` (workerd can fetch 127.0.0.1 but cannot listen).
import type { TestProject } from "vitest/node";
import { startWebhookReceiver } from "../../support/webhook-receiver";

declare module "vitest" {
  export interface ProvidedContext {
    webhookReceiverUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const receiver = await startWebhookReceiver();
  project.provide("webhookReceiverUrl", receiver.url);
  return () => receiver.close();
}
