package emulator

import (
	"slices"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// Institution is one of the sandbox institutions the emulator knows.
type Institution struct {
	ID           string
	Name         string
	Products     []string
	CountryCodes []string
	OAuth        bool
	Routing      []string
}

var allSandboxProducts = []string{"assets", "auth", "balance", "identity", "investments", "liabilities", "transactions", "income_verification", "statements", "signal", "transfer"}

var countryCodes = []string{"US", "GB", "ES", "NL", "FR", "IE", "CA", "DE", "IT", "PL", "DK", "NO", "SE", "EE", "LT", "LV", "PT", "BE", "AT", "FI"}

// institutions are Plaid's sandbox test institutions, by id.
var institutions = byID([]*Institution{
	{ID: plaid.DefaultSandboxInstitutionID, Name: "First Platypus Bank", Products: allSandboxProducts, CountryCodes: []string{"US"}, Routing: []string{"011401533"}},
	{ID: "ins_109509", Name: "First Gingham Credit Union", Products: allSandboxProducts, CountryCodes: []string{"US"}, Routing: []string{"021200339"}},
	{ID: "ins_109510", Name: "Tattersall Federal Credit Union", Products: allSandboxProducts, CountryCodes: []string{"US"}, Routing: []string{"021000021"}},
	{ID: "ins_109511", Name: "Tartan Bank", Products: allSandboxProducts, CountryCodes: []string{"US"}, Routing: []string{"011000028"}},
	{ID: "ins_109512", Name: "Houndstooth Bank", Products: []string{"auth", "balance", "identity", "transactions"}, CountryCodes: []string{"US"}, Routing: []string{"011000138"}},
	{ID: "ins_127287", Name: "Platypus OAuth Bank", Products: allSandboxProducts, CountryCodes: []string{"US"}, OAuth: true, Routing: []string{}},
	{ID: "ins_117650", Name: "Royal Bank of Plaid", Products: []string{"assets", "auth", "balance", "identity", "transactions"}, CountryCodes: []string{"GB"}, OAuth: true, Routing: []string{}},
})

func byID(list []*Institution) map[string]*Institution {
	out := make(map[string]*Institution, len(list))
	for _, inst := range list {
		out[inst.ID] = inst
	}
	return out
}

func (i *Institution) json(includeStatus bool) map[string]any {
	out := map[string]any{
		"institution_id":  i.ID,
		"name":            i.Name,
		"products":        i.Products,
		"country_codes":   i.CountryCodes,
		"routing_numbers": i.Routing,
		"dtc_numbers":     []string{},
		"oauth":           i.OAuth,
		"url":             nil,
		"primary_color":   nil,
		"logo":            nil,
	}
	if includeStatus {
		healthy := map[string]any{"status": "HEALTHY", "last_status_change": "2026-01-01T00:00:00Z", "breakdown": map[string]any{"success": 0.99, "error_plaid": 0.01, "error_institution": 0, "refresh_interval": "NORMAL"}}
		out["status"] = map[string]any{"item_logins": healthy, "transactions_updates": healthy, "auth": healthy, "identity": healthy, "investments_updates": healthy, "liabilities_updates": healthy, "liabilities": healthy, "investments": healthy, "health_incidents": []any{}}
	}
	return out
}

// availableProducts are the institution's products an Item has not yet
// been billed for.
func availableProducts(institutionID string, billed []string) []string {
	inst, ok := institutions[institutionID]
	if !ok {
		return []string{}
	}
	out := []string{}
	for _, p := range []string{"assets", "auth", "balance", "identity", "investments", "liabilities", "transactions"} {
		if slices.Contains(inst.Products, p) && !slices.Contains(billed, p) {
			out = append(out, p)
		}
	}
	return out
}

func (e *Emulator) institutionsGetByID(r *request) (map[string]any, *apiError) {
	var body struct {
		credentialFields
		InstitutionID string   `json:"institution_id"`
		CountryCodes  []string `json:"country_codes"`
		Options       *struct {
			IncludeOptionalMetadata          bool `json:"include_optional_metadata"`
			IncludeStatus                    bool `json:"include_status"`
			IncludeAuthMetadata              bool `json:"include_auth_metadata"`
			IncludePaymentInitiationMetadata bool `json:"include_payment_initiation_metadata"`
		} `json:"options"`
	}
	if err := r.decode(&body); err != nil {
		return nil, err
	}
	if len(body.CountryCodes) == 0 {
		return nil, invalidRequest(plaid.CodeInvalidField, "country_codes must contain at least one country code")
	}
	for _, cc := range body.CountryCodes {
		if !slices.Contains(countryCodes, cc) {
			return nil, invalidRequest(plaid.CodeInvalidField, "country_codes contains an unsupported country code: "+cc)
		}
	}
	inst, ok := institutions[body.InstitutionID]
	if !ok || !overlaps(inst.CountryCodes, body.CountryCodes) {
		return nil, invalidInput(plaid.CodeInvalidInstitution, "invalid institution_id provided")
	}
	includeStatus := body.Options != nil && body.Options.IncludeStatus
	return map[string]any{"institution": inst.json(includeStatus)}, nil
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}
