// The wallet's public surface. Node code (unit tests, scripts) should import ledger,
// memory-store or types directly: this file also exports the Durable Object class,
// which needs the `cloudflare:workers` module.

export { Wallet, LEASE_TTL_MS } from "./wallet-object";
export { walletFor } from "./stub";
export { Ledger } from "./ledger";
export type { LedgerOptions } from "./ledger";
export { LedgerInputError, formatUsd } from "./money";
export { SqlLedgerStore } from "./sql-store";
export type { SqlBackend } from "./sql-store";
export { MemoryLedgerStore } from "./memory-store";
export type { LedgerStore } from "./store";
export type * from "./types";
