package plaid

import "time"

// How Plaid signs webhooks (docs: webhooks/webhook-verification): each
// carries a JWT in the Plaid-Verification header, signed ES256 with a key
// that /webhook_verification_key/get returns as a JWK on P-256, whose
// claims are iat and request_body_sha256 (the hex SHA-256 of the exact
// body). Receivers reject a token older than WebhookMaxAge.
const (
	WebhookVerificationHeader = "Plaid-Verification"
	WebhookSigningAlgorithm   = "ES256"
	WebhookSigningCurve       = "P-256"
	WebhookMaxAge             = 5 * time.Minute
)

// The Item webhook codes the provider's own flows send or act on: the
// emulator sends USER_PERMISSION_REVOKED when a user revokes an Item and
// WEBHOOK_UPDATE_ACKNOWLEDGED after /item/webhook/update, and a fired
// LOGIN_REPAIRED repairs an Item that /sandbox/item/reset_login signed out.
const (
	WebhookCodeUserPermissionRevoked     = "USER_PERMISSION_REVOKED"
	WebhookCodeWebhookUpdateAcknowledged = "WEBHOOK_UPDATE_ACKNOWLEDGED"
	WebhookCodeLoginRepaired             = "LOGIN_REPAIRED"
)

// SandboxWebhook is one webhook /sandbox/item/fire_webhook can fire: its
// webhook_type and webhook_code, and the product the Item must have
// (none: any Item), else SANDBOX_PRODUCT_NOT_ENABLED.
type SandboxWebhook struct {
	Type    string
	Code    string
	Product string
}

// SandboxWebhooks are the webhook_code values of fire_webhook's request
// schema, each with the webhook types its description allows. A code's
// first row is its type when the request names none. AUTHORIZATION_GRANTED
// is in the request's enum, but Plaid documents neither its type nor its
// body; it is listed as ITEM.
var SandboxWebhooks = []SandboxWebhook{
	{Type: "TRANSACTIONS", Code: "DEFAULT_UPDATE", Product: "transactions"},
	{Type: "AUTH", Code: "DEFAULT_UPDATE", Product: "auth"},
	{Type: "INVESTMENTS_TRANSACTIONS", Code: "DEFAULT_UPDATE", Product: "investments"},
	{Type: "HOLDINGS", Code: "DEFAULT_UPDATE", Product: "investments"},
	{Type: "LIABILITIES", Code: "DEFAULT_UPDATE", Product: "liabilities"},
	{Type: "ITEM", Code: "NEW_ACCOUNTS_AVAILABLE"},
	{Type: "AUTH", Code: "SMS_MICRODEPOSITS_VERIFICATION", Product: "auth"},
	{Type: "ITEM", Code: "AUTHORIZATION_GRANTED"},
	{Type: "ITEM", Code: WebhookCodeUserPermissionRevoked},
	{Type: "ITEM", Code: "USER_ACCOUNT_REVOKED"},
	{Type: "ITEM", Code: "PENDING_DISCONNECT"},
	{Type: "TRANSACTIONS", Code: "RECURRING_TRANSACTIONS_UPDATE", Product: "transactions"},
	{Type: "ITEM", Code: WebhookCodeLoginRepaired},
	{Type: "TRANSACTIONS", Code: "SYNC_UPDATES_AVAILABLE", Product: "transactions"},
	{Type: "ASSETS", Code: "PRODUCT_READY", Product: "assets"},
	// ERROR is an Assets webhook unless the request names ITEM: the spec's
	// description of the endpoint calls it "Assets webhook to be fired when
	// asset report generation has failed".
	{Type: "ASSETS", Code: "ERROR", Product: "assets"},
	{Type: "ITEM", Code: "ERROR"},
}

// FindSandboxWebhook returns the row for code and webhookType, or for code
// alone when webhookType is empty.
func FindSandboxWebhook(webhookType, code string) (SandboxWebhook, bool) {
	for _, w := range SandboxWebhooks {
		if w.Code == code && (webhookType == "" || w.Type == webhookType) {
			return w, true
		}
	}
	return SandboxWebhook{}, false
}
