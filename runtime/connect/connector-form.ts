// What the connect page asks for, per connector: the vendor's name, its credential fields
// (secrets) and settings (config), from the catalog's summary of the manifest (connectorInfo).
// The one place the page reads a connector's description.
import { connectorInfo, type ConnectorField, type ConnectorInfo } from "../tools/connector-call";

export type FormField = ConnectorField;

export interface ConnectorForm {
  id: string;
  vendorName: string;
  mode: ConnectorInfo["auth_mode"];
  secrets: readonly FormField[];
  settings: readonly FormField[];
  /** An `mcp` connector's server URL template (may hold `{{config.x}}`). */
  mcpUrl?: string;
}

/** The form of connector `id`, or null when no manifest has that id (it was removed after the link was minted). */
export function connectorForm(id: string): ConnectorForm | null {
  const info = connectorInfo(id);
  if (!info) return null;
  const form: ConnectorForm = { id: info.id, vendorName: info.name, mode: info.auth_mode, secrets: info.fields, settings: info.config };
  return info.mcp_url !== null ? { ...form, mcpUrl: info.mcp_url } : form;
}
