// Which of a thread's earlier messages go to the model with the next turn: the newest WHOLE turns
// that fit the budget. Pure (no I/O): the loader (turn-context.ts) feeds it pages of stored
// messages, newest first, and stops reading once it says the window is full, so a thread of
// 10,000 messages costs a page or two, not the whole thread.
//
// A turn starts at a user message that carries no tool_result (a tool_result answers the
// assistant's tool_use before it, so it continues that turn). Dropping whole turns keeps three
// things true the providers insist on: the context starts with a user message, user/assistant
// alternate, and no tool_use is ever separated from its tool_result.

/** An Anthropic content block, as stored. */
export interface ContentBlock {
  type: string;
  [field: string]: unknown;
}

/** A stored message as the window needs it. */
export interface StoredMessage {
  seq: number;
  role: "user" | "assistant";
  content: ContentBlock[];
  /** Its share of the usage when it was stored; 0 when unknown (then estimated from its size). */
  tokens: number;
}

/** Used when the catalog does not know the model's window: small enough for every model in use. */
export const DEFAULT_CONTEXT_WINDOW = 128_000;

const enc = new TextEncoder();

/** ≈ 1 token per 4 bytes of JSON: the same rule the gateway's count_tokens estimate uses. */
export function estimateTokens(value: unknown): number {
  if (value === undefined) return 0;
  return Math.ceil(enc.encode(JSON.stringify(value)).byteLength / 4);
}

/** A stored message's tokens: the recorded count, else the estimate. */
export function messageTokens(m: StoredMessage): number {
  return m.tokens > 0 ? m.tokens : estimateTokens(m.content);
}

/** True for the message a turn starts with. */
export function startsTurn(m: StoredMessage): boolean {
  return m.role === "user" && !m.content.some((b) => b.type === "tool_result");
}

export interface BudgetInput {
  /** The model's context window (null: unknown to the catalog). */
  contextWindow: number | null;
  /** The output the model may write (it shares the window). */
  maxTokens: number;
  /** The new user turn and the system prompt, estimated. */
  newTokens: number;
}

/**
 * Tokens left for earlier messages: window − output − the new turn and system − a margin for
 * the template and for estimates that run low (5% of the window, at least 1,024). Never below 0.
 */
export function contextBudget(b: BudgetInput): number {
  const window = b.contextWindow ?? DEFAULT_CONTEXT_WINDOW;
  const margin = Math.max(1024, Math.ceil(window * 0.05));
  return Math.max(0, window - b.maxTokens - b.newTokens - margin);
}

/** Fills a budget with the newest whole turns, from pages of messages offered newest first. */
export class ContextWindow {
  /** Whole turns kept, newest first (each turn's messages newest first too). */
  private readonly kept: StoredMessage[][] = [];
  /** The messages of a turn whose first message is not read yet, newest first. */
  private pending: StoredMessage[] = [];
  private pendingTokens = 0;
  private usedTokens = 0;
  private full = false;

  constructor(readonly budget: number) {}

  /**
   * The next older messages, newest first, contiguous with what came before. Returns true while
   * more could fit (read the next page), false once the window is full (read no more).
   */
  offer(newestFirst: readonly StoredMessage[]): boolean {
    for (const m of newestFirst) {
      if (this.full) break;
      this.pending.push(m);
      this.pendingTokens += messageTokens(m);
      // This turn no longer fits, however it starts: it and everything older are dropped.
      if (this.usedTokens + this.pendingTokens > this.budget) this.full = true;
      else if (startsTurn(m)) this.keepPending();
    }
    return !this.full;
  }

  /** Tokens of the kept turns. */
  get tokens(): number {
    return this.usedTokens;
  }

  /** The context, oldest first. A partial turn at the oldest end (no start read) is left out. */
  messages(): StoredMessage[] {
    return this.kept.flat().reverse();
  }

  private keepPending(): void {
    this.kept.push(this.pending);
    this.usedTokens += this.pendingTokens;
    this.pending = [];
    this.pendingTokens = 0;
  }
}

/** The whole computation over messages already in memory (tests, small threads). */
export function fitContext(newestFirst: readonly StoredMessage[], budget: number): StoredMessage[] {
  const w = new ContextWindow(budget);
  w.offer(newestFirst);
  return w.messages();
}
