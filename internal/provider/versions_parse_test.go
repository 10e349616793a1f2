package provider

import "testing"

// `version -json` is read whatever the CLI prints ahead of the JSON: OpenTofu
// 1.12 writes its CLI configuration warnings to stdout first.
func TestParseVersionJSON(t *testing.T) {
	for name, tc := range map[string]struct {
		out, want string
	}{
		"plain": {`{"terraform_version":"1.16.0","platform":"linux_amd64"}`, "1.16.0"},
		// What OpenTofu 1.12.6 prints on stdout when TF_CLI_CONFIG_FILE
		// names a missing file.
		"OpenTofu 1.12.6": {"\nWarning: Unable to open CLI configuration file\n\nThe CLI configuration file at \"/root/.terraformrc\" does not exist.\n" +
			"{\n  \"terraform_version\": \"1.12.6\",\n  \"platform\": \"linux_amd64\",\n  \"provider_selections\": {}\n}\n", "1.12.6"},
		"after OpenTofu's warning": {"There are some problems with the CLI configuration:\n╷\n│ Warning: Unable to open CLI configuration file\n│\n" +
			"│ The CLI configuration file at \"/tmp/missing.tfrc\" does not exist.\n╵\n\n" +
			"{\n  \"terraform_version\": \"1.12.6\",\n  \"platform\": \"linux_amd64\"\n}\n", "1.12.6"},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := parseVersionJSON([]byte(tc.out))
			if err != nil || got.String() != tc.want {
				t.Errorf("parseVersionJSON = %v, %v; want %s", got, err, tc.want)
			}
		})
	}
	if _, err := parseVersionJSON([]byte("Warning: no JSON here\n")); err == nil {
		t.Error("output without JSON parsed")
	}
}
