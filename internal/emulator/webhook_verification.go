package emulator

import "github.com/ledgerline/terraform-provider-plaid/internal/plaid"

// webhookVerificationKeyGet answers /webhook_verification_key/get: the key
// a webhook's Plaid-Verification header names in its kid, expired ones
// included, so that a receiver can verify any webhook the emulator sent.
func (e *Emulator) webhookVerificationKeyGet(r *request) (map[string]any, *apiError) {
	var body struct {
		credentialFields
		KeyID string `json:"key_id"`
	}
	if err := r.decode(&body); err != nil {
		return nil, err
	}
	key, ok := e.webhooks.keys.find(body.KeyID)
	if !ok {
		return nil, invalidInput(plaid.CodeInvalidWebhookVerificationKeyID, "invalid key_id provided")
	}
	return map[string]any{"key": key}, nil
}
