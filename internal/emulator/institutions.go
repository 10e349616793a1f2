package emulator

import "slices"

// DefaultInstitutionID is First Platypus Bank, Plaid's usual sandbox
// institution.
const DefaultInstitutionID = "ins_109508"

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

// sandboxProducts are the values /sandbox/public_token/create accepts in
// initial_products.
var sandboxProducts = []string{"assets", "auth", "cra_base_report", "cra_income_insights", "cra_lend_score", "cra_partner_insights", "cra_monitoring", "identity", "income_verification", "investments_auth", "investments", "liabilities", "payment_initiation", "signal", "standing_orders", "statements", "transactions", "transfer"}

var countryCodes = []string{"US", "GB", "ES", "NL", "FR", "IE", "CA", "DE", "IT", "PL", "DK", "NO", "SE", "EE", "LT", "LV", "PT", "BE", "AT", "FI"}

// institutions are Plaid's sandbox test institutions.
var institutions = map[string]*Institution{
	"ins_109508": {ID: "ins_109508", Name: "First Platypus Bank", Products: allSandboxProducts, CountryCodes: []string{"US"}, Routing: []string{"011401533"}},
	"ins_109509": {ID: "ins_109509", Name: "First Gingham Credit Union", Products: allSandboxProducts, CountryCodes: []string{"US"}, Routing: []string{"021200339"}},
	"ins_109510": {ID: "ins_109510", Name: "Tattersall Federal Credit Union", Products: allSandboxProducts, CountryCodes: []string{"US"}, Routing: []string{"021000021"}},
	"ins_109511": {ID: "ins_109511", Name: "Tartan Bank", Products: allSandboxProducts, CountryCodes: []string{"US"}, Routing: []string{"011000028"}},
	"ins_109512": {ID: "ins_109512", Name: "Houndstooth Bank", Products: []string{"auth", "balance", "identity", "transactions"}, CountryCodes: []string{"US"}, Routing: []string{"011000138"}},
	"ins_127287": {ID: "ins_127287", Name: "Platypus OAuth Bank", Products: allSandboxProducts, CountryCodes: []string{"US"}, OAuth: true, Routing: []string{}},
	"ins_117650": {ID: "ins_117650", Name: "Royal Bank of Plaid", Products: []string{"assets", "auth", "balance", "identity", "transactions"}, CountryCodes: []string{"GB"}, OAuth: true, Routing: []string{}},
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
