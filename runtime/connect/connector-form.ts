// What the connect page asks for, per connector: the vendor's name, its credential fields
// (secrets) and settings (config), read from the connector's manifest. The one place the page
// reads a manifest, so the catalog's shape can change behind it.
import { manifests } from "../../generated/connectors/catalog";
import type { ConnectorManifest } from "../../generated/schemas/types";

/** A field as the manifest declares it. */
export interface FormField {
  name: string;
  label: string;
  description?: string;
  placeholder?: string;
  pattern?: string;
  optional: boolean;
}

export interface ConnectorForm {
  id: string;
  vendorName: string;
  mode: ConnectorManifest["auth"]["mode"];
  secrets: readonly FormField[];
  settings: readonly FormField[];
  /** An `mcp` connector's server URL template (may hold `{{config.x}}`). */
  mcpUrl?: string;
}

/** The form of connector `id`, or null when no manifest has that id (it was removed after the link was minted). */
export function connectorForm(id: string): ConnectorForm | null {
  const m = manifests[id];
  if (!m) return null;
  const form: ConnectorForm = {
    id: m.id,
    vendorName: m.name,
    mode: m.auth.mode,
    secrets: (m.auth.fields ?? []).map(fieldOf),
    settings: (m.auth.config ?? []).map(fieldOf),
  };
  return m.auth.mcp ? { ...form, mcpUrl: m.auth.mcp.url } : form;
}

function fieldOf(f: NonNullable<ConnectorManifest["auth"]["fields"]>[number]): FormField {
  return {
    name: f.name,
    label: f.label,
    optional: f.optional ?? false,
    ...(f.description !== undefined ? { description: f.description } : {}),
    ...(f.placeholder !== undefined ? { placeholder: f.placeholder } : {}),
    ...(f.pattern !== undefined ? { pattern: f.pattern } : {}),
  };
}
