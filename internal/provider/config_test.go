package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

func fullConfig() providerModel {
	return providerModel{
		ClientID: types.StringNull(), Secret: types.StringNull(), Environment: types.StringNull(), BaseURL: types.StringNull(),
		MaxRetries: types.Int64Null(), RequestsPerMinute: types.Int64Null(), RequestTimeout: types.StringNull(),
	}
}

func envFrom(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestProviderConfig_precedence(t *testing.T) {
	env := envFrom(map[string]string{envClientID: "env-id", envSecret: "env-secret", envEnvironment: "production", envBaseURL: "http://127.0.0.1:9"})

	// Environment variables fill what configuration leaves out.
	data, diags := newProviderData(fullConfig(), "1.0.0", "1.11.4", env)
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if data.environment != plaid.Production {
		t.Errorf("environment = %q, want production from %s", data.environment, envEnvironment)
	}

	// Configuration wins over the environment.
	cfg := fullConfig()
	cfg.Environment = types.StringValue("sandbox")
	data, diags = newProviderData(cfg, "1.0.0", "", env)
	if diags.HasError() || data.environment != plaid.Sandbox {
		t.Errorf("environment = %v (%v), want sandbox from configuration", data, diags)
	}

	// The default is sandbox.
	data, diags = newProviderData(fullConfig(), "1.0.0", "", envFrom(map[string]string{envClientID: "id", envSecret: "test-secret"}))
	if diags.HasError() || data.environment != plaid.Sandbox {
		t.Errorf("default environment = %v (%v), want sandbox", data, diags)
	}
}

func TestProviderConfig_errorsNameTheSettingAndVariable(t *testing.T) {
	for name, tc := range map[string]struct {
		cfg  func(*providerModel)
		env  map[string]string
		want []string
	}{
		"missing credentials":          {env: map[string]string{}, want: []string{envClientID, envSecret}},
		"unknown client_id":            {cfg: func(c *providerModel) { c.ClientID = types.StringUnknown() }, env: map[string]string{envSecret: "test-secret"}, want: []string{"not known until apply", envClientID}},
		"development from env":         {env: map[string]string{envClientID: "id", envSecret: "test-secret", envEnvironment: "development"}, want: []string{"shut down", envEnvironment}},
		"bad base_url scheme":          {env: map[string]string{envClientID: "id", envSecret: "test-secret", envBaseURL: "ftp://127.0.0.1"}, want: []string{"http://", envBaseURL}},
		"base_url with a path":         {env: map[string]string{envClientID: "id", envSecret: "test-secret", envBaseURL: "http://127.0.0.1:8080/v1"}, want: []string{"path"}},
		"base_url with user info":      {env: map[string]string{envClientID: "id", envSecret: "test-secret", envBaseURL: "http://u:p@127.0.0.1"}, want: []string{"credentials"}},
		"empty secret from config":     {cfg: func(c *providerModel) { c.Secret = types.StringValue("") }, env: map[string]string{envClientID: "id"}, want: []string{envSecret}},
		"production at sandbox's host": {env: map[string]string{envClientID: "id", envSecret: "test-secret", envEnvironment: "production", envBaseURL: "https://sandbox.plaid.com"}, want: []string{"Plaid's sandbox host", "production", envBaseURL}},
		"sandbox at production's host": {env: map[string]string{envClientID: "id", envSecret: "test-secret", envBaseURL: "https://Production.plaid.com/"}, want: []string{"Plaid's production host"}},
		"unknown environment":          {env: map[string]string{envClientID: "id", envSecret: "test-secret", envEnvironment: "staging"}, want: []string{`"staging" is not a Plaid environment`, envEnvironment}},
		"bad request_timeout":          {cfg: func(c *providerModel) { c.RequestTimeout = types.StringValue("soon") }, env: map[string]string{envClientID: "id", envSecret: "test-secret"}, want: []string{"duration"}},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := fullConfig()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			_, diags := newProviderData(cfg, "test", "", envFrom(tc.env))
			if !diags.HasError() {
				t.Fatal("expected an error")
			}
			var text strings.Builder
			for _, d := range diags.Errors() {
				text.WriteString(d.Summary() + ": " + d.Detail() + "\n")
			}
			for _, w := range tc.want {
				if !strings.Contains(text.String(), w) {
					t.Errorf("diagnostics do not mention %q:\n%s", w, text.String())
				}
			}
		})
	}
}

// Credentials with whitespace and a base_url with credentials fail at
// configure time, naming the setting and its variable, never the value.
func TestProviderConfig_hygiene(t *testing.T) {
	const secret = "9f8e7d6c5b4a39281706f5e4d3c2b1"
	for name, tc := range map[string]struct {
		cfg    func(*providerModel)
		env    map[string]string
		values []string
		want   []string
	}{
		"secret with a trailing newline from the environment": {env: map[string]string{envClientID: "id", envSecret: secret + "\n"}, values: []string{secret}, want: []string{"secret", envSecret, "at the end"}},
		"secret with a trailing newline from file()":          {cfg: func(c *providerModel) { c.Secret = types.StringValue(secret + "\r\n") }, env: map[string]string{envClientID: "id"}, values: []string{secret}, want: []string{"secret", envSecret}},
		"client_id with a space":                              {env: map[string]string{envClientID: "my client", envSecret: secret}, values: []string{"my client"}, want: []string{"client_id", envClientID, "inside"}},
		"client_id with a control character":                  {cfg: func(c *providerModel) { c.ClientID = types.StringValue("\x00clientid") }, env: map[string]string{envSecret: secret}, values: []string{"clientid"}, want: []string{"client_id", envClientID}},
		"base_url with user and password":                     {env: map[string]string{envClientID: "id", envSecret: "test-secret", envBaseURL: "http://user:" + secret + "@127.0.0.1:8080"}, values: []string{secret, "user:"}, want: []string{"base_url", envBaseURL, "credentials"}},
		"malformed base_url with user info":                   {env: map[string]string{envClientID: "id", envSecret: "test-secret", envBaseURL: "http://user:" + secret + "@127.0.0.1:80x"}, values: []string{secret, "user:"}, want: []string{"base_url", envBaseURL}},
		"base_url with a user and a path":                     {cfg: func(c *providerModel) { c.BaseURL = types.StringValue("https://" + secret + "@host/v1") }, env: map[string]string{envClientID: "id", envSecret: "test-secret"}, values: []string{secret}, want: []string{"base_url", envBaseURL}},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := fullConfig()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			_, diags := newProviderData(cfg, "test", "", envFrom(tc.env))
			if !diags.HasError() {
				t.Fatal("expected an error")
			}
			var text strings.Builder
			for _, d := range diags.Errors() {
				text.WriteString(d.Summary() + ": " + d.Detail() + "\n")
			}
			for _, w := range tc.want {
				if !strings.Contains(text.String(), w) {
					t.Errorf("diagnostics do not mention %q:\n%s", w, text.String())
				}
			}
			for _, v := range tc.values {
				if strings.Contains(text.String(), v) {
					t.Errorf("diagnostics repeat the value:\n%s", text.String())
				}
			}
		})
	}
	// The plan-time validator says the same without the value.
	if err := checkBaseURL("http://user:" + secret + "@127.0.0.1:80x"); err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("checkBaseURL = %v", err)
	}
}

// An unknown PLAID_ENV names the choices once, and says where the value
// came from.
func TestProviderConfig_unknownEnvironmentListsChoicesOnce(t *testing.T) {
	_, diags := newProviderData(fullConfig(), "test", "", envFrom(map[string]string{envClientID: "id", envSecret: "test-secret", envEnvironment: "staging"}))
	if len(diags.Errors()) != 1 {
		t.Fatalf("diagnostics: %v", diags)
	}
	detail := diags.Errors()[0].Detail()
	if n := strings.Count(detail, `"production"`); n != 1 {
		t.Errorf("the choices appear %d times:\n%s", n, detail)
	}
	if !strings.Contains(detail, envEnvironment) || !strings.HasPrefix(detail, `"staging" is not`) {
		t.Errorf("detail: %s", detail)
	}
}
