// Which connectors a connection may be made for, from the generated manifests: one place, so
// the connections API and the connect URL refuse an unknown id or an auth-less connector alike.
import { manifests } from "../../generated/connectors/catalog";
import type { ConnectorManifest } from "../../generated/schemas/types";
import { ApiError } from "../errors";

/** What the connections code needs of a manifest. */
export interface ConnectableConnector {
  id: string;
  name: string;
  authMode: string;
}

/**
 * The connector `id`, if an end user can connect an account of it; else the ApiError to
 * answer: 404 for an unknown id, 400 for a connector that needs no account (auth mode none).
 */
export function connectableConnector(
  id: string,
  param = "body.connector",
  table: Readonly<Record<string, Pick<ConnectorManifest, "id" | "name" | "auth">>> = manifests,
): ConnectableConnector {
  const manifest = table[id];
  if (!manifest) {
    throw new ApiError("not_found", `there is no connector ${JSON.stringify(id.slice(0, 100))}; GET /v1/connectors lists the connector ids`, { param });
  }
  if (manifest.auth.mode === "none") {
    throw new ApiError("invalid_request", `connector ${id} needs no account (auth mode none): call its tools without a connection`, { param });
  }
  return { id: manifest.id, name: manifest.name, authMode: manifest.auth.mode };
}
