// Drives Plaid's official Node client (the pinned "plaid" package) over the
// emulator's endpoints for TestOfficialNodeClient, and prints what each
// call answered as one JSON array: the client's own requests, its parsing
// of the answers, and its errors.
const { Configuration, PlaidApi } = require("plaid");

const client = new PlaidApi(
  new Configuration({
    basePath: process.env.PLAID_BASE_URL,
    baseOptions: {
      headers: {
        "PLAID-CLIENT-ID": process.env.PLAID_CLIENT_ID,
        "PLAID-SECRET": process.env.PLAID_SECRET,
      },
    },
  }),
);

async function call(name, fn) {
  try {
    const resp = await fn();
    return { name, status: resp.status, data: resp.data };
  } catch (err) {
    if (err.response) {
      return { name, status: err.response.status, data: err.response.data };
    }
    return { name, status: 0, data: { transport_error: String(err) } };
  }
}

async function main() {
  const out = [];
  out.push(await call("institutionsGet", () => client.institutionsGet({ count: 3, offset: 0, country_codes: ["US"], options: { include_optional_metadata: true } })));
  out.push(await call("institutionsGet without metadata", () => client.institutionsGet({ count: 3, offset: 0, country_codes: ["US"] })));
  out.push(await call("institutionsSearch", () => client.institutionsSearch({ query: "platypus", products: ["transactions"], country_codes: ["US"], options: { include_optional_metadata: true } })));
  out.push(await call("institutionsGetById", () => client.institutionsGetById({ institution_id: "ins_109508", country_codes: ["US"], options: { include_optional_metadata: true, include_status: true } })));
  const imported = await call("itemImport", () => client.itemImport({ products: ["transactions"], user_auth: { user_id: "user", auth_token: "token" } }));
  out.push(imported);
  out.push(await call("itemGet", () => client.itemGet({ access_token: imported.data.access_token })));
  out.push(await call("webhookVerificationKeyGet", () => client.webhookVerificationKeyGet({ key_id: process.env.KEY_ID })));
  out.push(await call("webhookVerificationKeyGet unknown", () => client.webhookVerificationKeyGet({ key_id: "00000000-0000-4000-8000-000000000000" })));
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
