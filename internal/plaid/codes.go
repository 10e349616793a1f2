package plaid

// Plaid's error_type and error_code values: their one home. Plaid documents
// error_code as the stable, programmatic field; messages may change at any
// time. The client and the provider branch on some of them; the emulator
// answers with all of them, so that it says exactly what Plaid says.

// Error types.
const (
	TypeInvalidRequest    = "INVALID_REQUEST"
	TypeInvalidInput      = "INVALID_INPUT"
	TypeItemError         = "ITEM_ERROR"
	TypeRateLimitExceeded = "RATE_LIMIT_EXCEEDED"
	TypeAPIError          = "API_ERROR"
	TypeSandboxError      = "SANDBOX_ERROR"
	TypeAssetReportError  = "ASSET_REPORT_ERROR"
)

// Error codes the client or the provider branch on.
const (
	CodeItemNotFound       = "ITEM_NOT_FOUND"
	CodeInvalidAccessToken = "INVALID_ACCESS_TOKEN"
	CodeInvalidAPIKeys     = "INVALID_API_KEYS"
	CodeCreditsExhausted   = "CREDITS_EXHAUSTED"
	CodeItemLoginRequired  = "ITEM_LOGIN_REQUIRED"
	CodeInvalidPublicToken = "INVALID_PUBLIC_TOKEN"
	CodeInvalidInstitution = "INVALID_INSTITUTION"
	CodeAdditionLimit      = "ADDITION_LIMIT"
	CodePlannedMaintenance = "PLANNED_MAINTENANCE"
)

// Error codes that only webhooks carry, in their error object.
const (
	CodeUserPermissionRevoked       = "USER_PERMISSION_REVOKED"
	CodeAssetReportGenerationFailed = "ASSET_REPORT_GENERATION_FAILED"
)

// Error codes of requests Plaid refuses, as the emulator answers them.
const (
	CodeInvalidBody           = "INVALID_BODY"
	CodeInvalidField          = "INVALID_FIELD"
	CodeInvalidHeaders        = "INVALID_HEADERS"
	CodeUnknownFields         = "UNKNOWN_FIELDS"
	CodeMissingFields         = "MISSING_FIELDS"
	CodeNotFound              = "NOT_FOUND"
	CodeInvalidProduct        = "INVALID_PRODUCT"
	CodeInvalidCredentials    = "INVALID_CREDENTIALS"
	CodeSandboxOnly           = "SANDBOX_ONLY"
	CodeSandboxWebhookInvalid = "SANDBOX_WEBHOOK_INVALID"
	// CodeSandboxProductNotEnabled: /sandbox/item/fire_webhook asked for
	// a webhook of a product the Item does not have.
	CodeSandboxProductNotEnabled = "SANDBOX_PRODUCT_NOT_ENABLED"
	// CodeInvalidWebhookVerificationKeyID: /webhook_verification_key/get
	// was asked for a key_id Plaid never issued.
	CodeInvalidWebhookVerificationKeyID = "INVALID_WEBHOOK_VERIFICATION_KEY_ID"
	CodeInternalServerError             = "INTERNAL_SERVER_ERROR"
)

// Rate-limit codes: each limited endpoint answers its own; the others
// answer CodeRateLimit (see RateLimitCode).
const (
	CodeRateLimit                = "RATE_LIMIT"
	CodeItemGetLimit             = "ITEM_GET_LIMIT"
	CodeInstitutionsGetByIDLimit = "INSTITUTIONS_GET_BY_ID_LIMIT"
)
