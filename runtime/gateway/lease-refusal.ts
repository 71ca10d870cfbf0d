// The contract's error for a Wallet refusal of a lease grow (what a request sees).
import type { KeyRecord } from "../auth/key-store";
import { ApiError } from "../errors";
import type { ReserveRefusal } from "../wallet/types";

/**
 * The contract's error for a Wallet refusal: 402 for the cap or the funds, 401 for a revoked
 * key. The wallet's figures are the tenant's business: a standard key (an end user's) hears
 * only that the app's wallet cannot cover the request; a master key gets the figures.
 */
export function refusalError(res: ReserveRefusal, scope: KeyRecord["scope"]): ApiError {
  const extra = { needed_micros: res.needed_micros, available_micros: res.available_micros };
  switch (res.type) {
    case "insufficient_funds":
      if (scope !== "master") {
        const message = "this app's wallet cannot cover this request right now; ask the app's operator to top it up, or send a smaller request (lower max_tokens)";
        return new ApiError("insufficient_funds", message, { extra: { needed_micros: res.needed_micros } });
      }
      return new ApiError("insufficient_funds", res.message, { extra });
    case "cap_exceeded":
      return new ApiError("cap_exceeded", res.message, { extra });
    case "key_revoked":
      return new ApiError("authentication", "invalid or revoked API key");
    default: {
      const never: never = res.type;
      return new ApiError("internal", `unknown wallet refusal ${JSON.stringify(never)}`);
    }
  }
}
