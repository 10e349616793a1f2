package emulator

import "github.com/ledgerline/terraform-provider-plaid/internal/plaid"

// endpoint is one Plaid API path: the top-level fields it accepts besides
// client_id and secret, those it requires, and what it does.
type endpoint struct {
	fields      []string
	required    []string
	sandboxOnly bool
	handle      func(e *Emulator, r *request) (map[string]any, *apiError)
}

// endpoints are the Plaid API paths the emulator serves. Each handler lives
// in the file named as the client's for the same call: items.go,
// removal.go, sandbox.go, institutions.go; /webhook_verification_key/get,
// which the client never calls, in webhook_verification.go.
var endpoints = map[string]*endpoint{
	plaid.PathItemGet:                   {fields: []string{"access_token"}, required: []string{"access_token"}, handle: (*Emulator).itemGet},
	plaid.PathItemRemove:                {fields: []string{"access_token", "reason_code", "reason_note"}, required: []string{"access_token"}, handle: (*Emulator).itemRemove},
	plaid.PathItemProductsTerminate:     {fields: []string{"access_token", "reason_code", "reason_note"}, required: []string{"access_token", "reason_code"}, handle: (*Emulator).itemProductsTerminate},
	plaid.PathItemWebhookUpdate:         {fields: []string{"access_token", "webhook"}, required: []string{"access_token"}, handle: (*Emulator).itemWebhookUpdate},
	"/item/access_token/invalidate":     {fields: []string{"access_token"}, required: []string{"access_token"}, handle: (*Emulator).itemAccessTokenInvalidate},
	plaid.PathItemPublicTokenExchange:   {fields: []string{"public_token"}, required: []string{"public_token"}, handle: (*Emulator).itemPublicTokenExchange},
	plaid.PathInstitutionsGetByID:       {fields: []string{"institution_id", "country_codes", "options"}, required: []string{"institution_id", "country_codes"}, handle: (*Emulator).institutionsGetByID},
	plaid.PathInstitutionsGet:           {fields: []string{"count", "offset", "country_codes", "options"}, required: []string{"count", "offset", "country_codes"}, handle: (*Emulator).institutionsGet},
	plaid.PathInstitutionsSearch:        {fields: []string{"query", "products", "country_codes", "options"}, required: []string{"query", "country_codes"}, handle: (*Emulator).institutionsSearch},
	plaid.PathItemImport:                {fields: []string{"institution_id", "products", "user_auth", "options"}, required: []string{"products", "user_auth"}, handle: (*Emulator).itemImport},
	plaid.PathWebhookVerificationKeyGet: {fields: []string{"key_id"}, required: []string{"key_id"}, handle: (*Emulator).webhookVerificationKeyGet},
	plaid.PathSandboxPublicTokenCreate:  {fields: []string{"institution_id", "initial_products", "options", "user_token", "user_id"}, required: []string{"institution_id", "initial_products"}, sandboxOnly: true, handle: (*Emulator).sandboxPublicTokenCreate},
	"/sandbox/item/reset_login":         {fields: []string{"access_token"}, required: []string{"access_token"}, sandboxOnly: true, handle: (*Emulator).sandboxItemResetLogin},
	"/sandbox/item/fire_webhook":        {fields: []string{"access_token", "webhook_type", "webhook_code"}, required: []string{"access_token", "webhook_code"}, sandboxOnly: true, handle: (*Emulator).sandboxItemFireWebhook},
}
