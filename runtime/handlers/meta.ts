import { connectorCatalog } from "../../generated/connectors/catalog";
import { modelList } from "../../generated/providers/catalog";
import type { AppHandlers } from "../router";

export const VERSION = "0.1.0";

export const metaHandlers: Pick<AppHandlers, "getHealth" | "listModels" | "listConnectors"> = {
  async getHealth() {
    return { status: 200, body: { status: "ok", version: VERSION, time: Date.now() } };
  },
  async listModels() {
    return { status: 200, body: { object: "list", data: modelList } };
  },
  async listConnectors() {
    return { status: 200, body: { object: "list", data: connectorCatalog } };
  },
};
