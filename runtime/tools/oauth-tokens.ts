// OAuth2 client-credentials tokens, cached per connection and fetched single-flight: however
// many calls find the token missing, expired or rejected at once, one request goes to the
// token URL and they all wait on it (no `invalid_grant` storms, no rate-limited token endpoint).

/** One connection's token, as an explicit state: nothing yet, a fetch under way, or a token. */
export type TokenState =
  | { state: "empty" }
  | { state: "fetching"; promise: Promise<string> }
  | { state: "valid"; token: string; expiresAt: number };

export interface FetchedToken {
  token: string;
  /** Lifetime in seconds as the token endpoint said (`expires_in`); null when it did not say. */
  expiresIn: number | null;
}

export interface TokenCacheOptions {
  now?: () => number;
  /** Refresh this long before the stated expiry, so a token does not die in flight. */
  skewMs?: number;
  /** Lifetime assumed when the endpoint gives no `expires_in`. */
  defaultLifetimeMs?: number;
}

export class TokenCache {
  private readonly states = new Map<string, TokenState>();
  private readonly now: () => number;
  private readonly skewMs: number;
  private readonly defaultLifetimeMs: number;

  constructor(opts: TokenCacheOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.skewMs = opts.skewMs ?? 30_000;
    this.defaultLifetimeMs = opts.defaultLifetimeMs ?? 5 * 60_000;
  }

  /** A usable token for `connection`, fetching one (once, shared) when there is none. */
  get(connection: string, fetchToken: () => Promise<FetchedToken>): Promise<string> {
    const s = this.states.get(connection) ?? { state: "empty" };
    if (s.state === "valid" && this.now() < s.expiresAt) return Promise.resolve(s.token);
    if (s.state === "fetching") return s.promise;
    const promise = this.fetchInto(connection, fetchToken);
    this.states.set(connection, { state: "fetching", promise });
    return promise;
  }

  /**
   * The vendor said 401 to `staleToken`: forget it, unless a newer token already replaced it
   * (then the caller just retries with that one, and no second fetch starts).
   */
  reject(connection: string, staleToken: string): void {
    const s = this.states.get(connection);
    if (s?.state === "valid" && s.token === staleToken) this.states.set(connection, { state: "empty" });
  }

  /** For tests and the connections API (a deleted connection). */
  forget(connection: string): void {
    this.states.delete(connection);
  }

  private async fetchInto(connection: string, fetchToken: () => Promise<FetchedToken>): Promise<string> {
    try {
      const got = await fetchToken();
      const lifetime = got.expiresIn !== null ? got.expiresIn * 1000 : this.defaultLifetimeMs;
      // A short-lived token keeps at least half its life rather than being refreshed at once.
      const skew = Math.min(this.skewMs, lifetime / 2);
      this.states.set(connection, { state: "valid", token: got.token, expiresAt: this.now() + lifetime - skew });
      return got.token;
    } catch (err) {
      // A failed fetch is not cached: the next call tries again.
      this.states.set(connection, { state: "empty" });
      throw err;
    }
  }
}
