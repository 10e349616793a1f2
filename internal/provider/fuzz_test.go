package provider

import (
	"strings"
	"testing"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// Import IDs come from users and CI variables: parsing must never panic,
// and an error must never repeat the ID's token.
func FuzzParseImportID(f *testing.F) {
	for _, seed := range []string{"access-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6", "env:PLAID_ACCESS_TOKEN", "env:", "env:access-sandbox-abcdef12", " env:X ", "item_123", ""} {
		f.Add(seed, "access-sandbox-0123abcd")
	}
	f.Fuzz(func(t *testing.T, id, envValue string) {
		token, err := parseImportID(id, func(string) string { return envValue })
		if err != nil {
			// Anything token-shaped in the inputs, with an id part long
			// enough not to be the "access-sandbox-" of the help text.
			for _, input := range []string{id, envValue} {
				for _, token := range plaid.TokenPattern().FindAllString(input, -1) {
					if len(token) > len("access-production-")+3 && strings.Contains(err.Error(), token) {
						t.Fatalf("the error repeats a token: %v", err)
					}
				}
			}
			return
		}
		if !strings.HasPrefix(token, "access-") {
			t.Fatalf("accepted %q as a token", token)
		}
	})
}
