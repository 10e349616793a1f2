package provider

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// importFromEnvPrefix marks an import ID that names an environment
// variable holding the token. Terraform prints import IDs in clear text, so
// this keeps tokens out of terminal output and CI logs.
const importFromEnvPrefix = "env:"

var envVarName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// parseImportID returns the access token an import ID stands for: the ID
// itself, or with "env:NAME" the value of the environment variable NAME.
// Errors never repeat a token.
func parseImportID(id string, getenv func(string) string) (string, error) {
	token := strings.TrimSpace(id)
	if name, ok := strings.CutPrefix(token, importFromEnvPrefix); ok {
		if !envVarName.MatchString(name) {
			return "", fmt.Errorf("an import ID starting with env: must continue with the name of an environment variable (letters, digits and underscores)")
		}
		token = strings.TrimSpace(getenv(name))
		if token == "" {
			return "", fmt.Errorf("the environment variable %s named by the import ID is not set or empty; export the access token in it before running terraform", name)
		}
	}
	if _, err := plaid.ParseToken(plaid.AccessToken, token); err != nil {
		return "", fmt.Errorf("the import ID must be a Plaid access token or env:NAME naming an environment variable that holds one: %w", err)
	}
	return token, nil
}
