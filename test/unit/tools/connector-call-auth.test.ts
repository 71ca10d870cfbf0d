// Each connector's compiled module hands the executor exactly one AuthSpec, so the credential is
// only ever placed (and redacted) inside the executor. Shapes no mode expresses never get this
// far: codegen refuses them (test/codegen/connector-manifest-modes.test.ts).
import { describe, expect, it } from "vitest";
import { loadConnector } from "../../../generated/connectors/registry";
import { prepareToolCall } from "../../../runtime/tools/connector-call";

const authOf = async (id: string, config: Record<string, string> = {}) => (await loadConnector(id))!.auth(config);

describe("the project's manifests", () => {
  it("github and stripe are bearer, linear sends its key bare in Authorization", async () => {
    expect(await authOf("github")).toEqual({ mode: "bearer", field: "token" });
    expect(await authOf("stripe")).toEqual({ mode: "bearer", field: "secret_key" });
    expect(await authOf("linear")).toEqual({ mode: "api_key", header: "Authorization", field: "api_key" });
  });

  it("an unknown connector id loads nothing, and no prototype member is a connector", async () => {
    expect(await loadConnector("nope")).toBeUndefined();
    expect(await loadConnector("constructor")).toBeUndefined();
    expect((await loadConnector("github"))!.tools.constructor).toBeUndefined();
  });
});

describe("prepareToolCall passes the compiled AuthSpec on", () => {
  it("and, for oauth2, its token URL follows CONNECTOR_<ID>_URL outside production only", async () => {
    const dev = { CONNECTOR_HELP_SCOUT_URL: "http://127.0.0.1:9/v2" } as unknown as Env;
    const prod = { ENVIRONMENT: "production", CONNECTOR_HELP_SCOUT_URL: "http://127.0.0.1:9/v2" } as unknown as Env;
    const inDev = await prepareToolCall(dev, "help-scout/list_mailboxes", {}, {});
    const inProd = await prepareToolCall(prod, "help-scout/list_mailboxes", {}, {});
    expect("auth" in inDev && inDev.auth).toMatchObject({ mode: "oauth2_client_credentials", token_url: "http://127.0.0.1:9/v2/oauth2/token" });
    expect("auth" in inProd && inProd.auth).toMatchObject({ mode: "oauth2_client_credentials", token_url: "https://api.helpscout.net/v2/oauth2/token" });
  });

  it("a setting missing from the base URL is a missing_credential error (reconnect), not a crash", async () => {
    const out = await prepareToolCall({} as Env, "datadog/list_monitors", {}, {});
    expect(out).toMatchObject({ ok: false, kind: "missing_credential", status: 401 });
    expect("message" in out && out.message).toContain('no setting "site"');
  });
});
