// What a tenant sees of a key: never its hash (the secret is shown once, at creation).
import type { components } from "../../generated/api/types";
import type { KeyRow } from "../db/api-keys";
import { microsToUsd } from "../money";

type ApiKey = components["schemas"]["ApiKey"];

export function keyView(row: KeyRow): ApiKey {
  return {
    id: row.id,
    prefix: row.prefix,
    name: row.name,
    scope: row.scope,
    end_user_id: row.end_user_id,
    max_spend_usd: row.max_spend_micros === null ? null : microsToUsd(row.max_spend_micros),
    created_at: row.created_at,
    last_used_at: row.last_used_at,
  };
}
