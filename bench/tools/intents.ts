// The intents bench:tools searches with: every tool description of the 105-vendor catalog, every
// other one prefixed with its vendor's name ("Trello create a card"), and everyday phrasings.
import type { catalogVendors } from "./synthetic-catalog";

const EVERYDAY = [
  "open a ticket", "linear ticket", "create a pull request", "send an SMS", "text a customer", "find customers by email",
  "list unpaid invoices", "post a message to a channel", "search the logs for errors", "add a card to my board",
  "reply to a customer conversation", "read a file from a repo", "schedule a meeting", "refund a payment",
  "upload a document", "look up a contact in the CRM", "query a metric", "send an email campaign", "new deal", "who is on call",
];

export function intents(vendors: Awaited<ReturnType<typeof catalogVendors>>): string[] {
  const fromCatalog = vendors.flatMap((v) => (v.tools ?? []).map((t, i) => (i % 2 === 1 ? `${v.name} ${t.description}` : t.description)));
  return [...EVERYDAY, ...fromCatalog];
}
