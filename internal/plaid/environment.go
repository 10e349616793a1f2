package plaid

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Environment is a Plaid API environment. Each has its own host, its own
// credentials and its own tokens: a token only works where it was issued.
type Environment string

const (
	Sandbox    Environment = "sandbox"
	Production Environment = "production"
)

// ErrDevelopmentShutDown explains why "development" is refused everywhere:
// users upgrading old configurations hit this first.
var ErrDevelopmentShutDown = errors.New(`the "development" environment was shut down by Plaid on 2024-06-20, which deleted its Items; use "sandbox" for testing or "production" for live Items`)

// ParseEnvironment accepts "sandbox" and "production" (case-insensitive).
func ParseEnvironment(name string) (Environment, error) {
	switch Environment(strings.ToLower(strings.TrimSpace(name))) {
	case Sandbox:
		return Sandbox, nil
	case Production:
		return Production, nil
	case "development":
		return "", ErrDevelopmentShutDown
	}
	// A misspelt name is quoted; anything else is not, because it may be a
	// credential set in the wrong variable (PLAID_ENV and PLAID_SECRET
	// swapped), which the redactor does not know there.
	shown := "this value"
	if len(name) <= len("development") && strings.IndexFunc(name, func(r rune) bool { return !unicode.IsLetter(r) }) < 0 {
		shown = fmt.Sprintf("%q", name)
	}
	return "", fmt.Errorf("%s is not a Plaid environment: use %q or %q", shown, Sandbox, Production)
}

// BaseURL is the public API host of the environment.
func (e Environment) BaseURL() string {
	return "https://" + string(e) + ".plaid.com"
}

// TokenKind is the first segment of a Plaid token.
type TokenKind string

const (
	AccessToken TokenKind = "access"
	PublicToken TokenKind = "public"
)

// ParseToken checks the shape of a Plaid token ("<kind>-<env>-<rest>") and
// returns the environment it was issued in. Only the prefix is checked: Plaid
// does not promise token lengths. Errors never repeat the token itself,
// because callers put them into diagnostics.
func ParseToken(kind TokenKind, token string) (Environment, error) {
	prefix := string(kind) + "-"
	if !strings.HasPrefix(token, prefix) {
		return "", fmt.Errorf("a Plaid %s token starts with %q followed by the environment (for example %q); this value does not", kind, prefix, prefix+"sandbox-")
	}
	rest := token[len(prefix):]
	envName, id, found := strings.Cut(rest, "-")
	if !found || id == "" {
		return "", fmt.Errorf("a Plaid %s token has the form %s<environment>-<id>; this value has no id after the environment", kind, prefix)
	}
	for _, r := range id {
		if !isTokenChar(r) {
			return "", fmt.Errorf("a Plaid %s token contains only letters, digits and dashes; this value has other characters (whitespace or quotes copied by mistake?)", kind)
		}
	}
	switch Environment(envName) {
	case Sandbox, Production:
		return Environment(envName), nil
	case "development":
		return "", fmt.Errorf("this %s token was issued in Plaid's development environment: %w", kind, ErrDevelopmentShutDown)
	}
	return "", fmt.Errorf("a Plaid %s token names its environment after %q (sandbox or production); this value names neither", kind, prefix)
}

func isTokenChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-'
}
