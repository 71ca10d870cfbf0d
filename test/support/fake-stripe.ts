// A local stand-in for Stripe's `POST /v1/checkout/sessions` on 127.0.0.1: it records each call
// (headers and form) and answers like Stripe (a test-mode session), or with a scripted failure.
import { createServer } from "node:http";

export interface StripeCall {
  authorization: string | undefined;
  contentType: string | undefined;
  idempotencyKey: string | undefined;
  form: URLSearchParams;
}

export interface FakeStripe {
  url: string;
  calls: StripeCall[];
  /** The next answers, in order, instead of a created session (status and JSON body). */
  failNext(...replies: Array<{ status: number; body: unknown }>): void;
  /** Answer sessions with this livemode (Stripe answers live sessions to a live key). */
  livemode: boolean;
  close(): Promise<void>;
}

export async function startFakeStripe(secretKey: string): Promise<FakeStripe> {
  const calls: StripeCall[] = [];
  const failures: Array<{ status: number; body: unknown }> = [];
  let sessions = 0;
  const fake: FakeStripe = {
    url: "",
    calls,
    livemode: false,
    failNext: (...replies) => failures.push(...replies),
    close: () => new Promise((done) => server.close(() => done())),
  };
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (raw += chunk));
    req.on("end", () => {
      const form = new URLSearchParams(raw);
      calls.push({
        authorization: req.headers.authorization,
        contentType: req.headers["content-type"],
        idempotencyKey: req.headers["idempotency-key"] as string | undefined,
        form,
      });
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      const failure = failures.shift();
      if (failure) return reply(failure.status, failure.body);
      if (req.method !== "POST" || req.url !== "/v1/checkout/sessions") return reply(404, { error: { message: "Unrecognized request URL" } });
      if (req.headers.authorization !== `Bearer ${secretKey}`) return reply(401, { error: { message: "Invalid API Key provided: sk_test_****" } });
      const id = `cs_test_fake${++sessions}_${Date.now()}`;
      return reply(200, {
        id,
        object: "checkout.session",
        url: `https://checkout.stripe.com/c/pay/${id}`,
        amount_total: Number(form.get("line_items[0][price_data][unit_amount]")),
        currency: form.get("line_items[0][price_data][currency]"),
        livemode: fake.livemode,
        mode: form.get("mode"),
        payment_status: "unpaid",
        payment_intent: null,
        metadata: { tenant_id: form.get("metadata[tenant_id]") },
      });
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("fake Stripe did not get a port");
  fake.url = `http://127.0.0.1:${address.port}`;
  return fake;
}
