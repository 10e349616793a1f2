package plaid

// The paths of the endpoints the client calls, besides the two that end an
// Item (PathItemRemove, PathItemProductsTerminate in removal.go).
const (
	PathItemGet                  = "/item/get"
	PathItemWebhookUpdate        = "/item/webhook/update"
	PathInstitutionsGetByID      = "/institutions/get_by_id"
	PathSandboxPublicTokenCreate = "/sandbox/public_token/create"
	PathItemPublicTokenExchange  = "/item/public_token/exchange"
	PathSandboxItemFireWebhook   = "/sandbox/item/fire_webhook"
	PathSandboxItemResetLogin    = "/sandbox/item/reset_login"
)

// endpoint is what the client must know about a Plaid endpoint beyond its
// request and answer.
type endpoint struct {
	// repeatable is true when sending the request twice does no harm: a
	// read, a setting, or a removal (a repeated removal finds
	// ITEM_NOT_FOUND). Such calls are retried whenever the failure may pass.
	repeatable bool
	// creates names what a call that is not repeatable makes at Plaid, for
	// the error that says it may exist.
	creates string
	// answerTokens are the top-level fields of a successful answer that
	// carry a new token, registered before anything else reads the
	// answer (registry.go).
	answerTokens []string
}

// endpoints lists every endpoint the client calls. One that is missing
// counts as not repeatable: it is retried only when the request cannot
// have reached Plaid.
var endpoints = map[string]endpoint{
	PathItemGet:             {repeatable: true},
	PathItemRemove:          {repeatable: true},
	PathItemWebhookUpdate:   {repeatable: true},
	PathInstitutionsGetByID: {repeatable: true},
	// Ending an Item twice ends nothing more: the repeat meets an Item
	// already gone.
	PathItemProductsTerminate: {repeatable: true},
	// /sandbox/public_token/create makes a new Item each time; a repeated
	// /item/public_token/exchange of a public token that was already
	// exchanged answers INVALID_PUBLIC_TOKEN, and the access token issued
	// the first time is lost with the Item it opens.
	PathSandboxPublicTokenCreate: {creates: "a sandbox Item", answerTokens: []string{"public_token"}},
	PathItemPublicTokenExchange:  {creates: "an access token for the new Item", answerTokens: []string{"access_token"}},
	// Forcing ITEM_LOGIN_REQUIRED again leaves the Item as the first call
	// did.
	PathSandboxItemResetLogin: {repeatable: true},
	// Each call sends a webhook: a repeat after a lost answer would send a
	// second one to the receiver under test.
	PathSandboxItemFireWebhook: {creates: "a webhook delivery"},
}

func endpointFor(path string) endpoint { return endpoints[path] }

// The paths of endpoints that the emulator serves and the client never
// calls: the rest of the institutions and Item families, and the key that
// verifies webhooks.
const (
	PathInstitutionsGet           = "/institutions/get"
	PathInstitutionsSearch        = "/institutions/search"
	PathItemImport                = "/item/import"
	PathWebhookVerificationKeyGet = "/webhook_verification_key/get"
)
