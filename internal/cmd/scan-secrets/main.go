// Command scan-secrets is the second half of `make test-trace`: it reads
// the list of secrets the test run registered and counts each one in every
// TRACE log and in the test run's whole output. It never prints a secret,
// only what it was and where it was found. Exit status 1 on any leak.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

func main() {
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: scan-secrets DIR")
		os.Exit(2)
	}
	if err := run(flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "scan-secrets:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	raw, err := os.ReadFile(filepath.Join(dir, acctest.LeakScanListFile))
	if err != nil {
		return fmt.Errorf("no list of secrets from the test run: %w", err)
	}
	var secrets []acctest.Secret
	if err := json.Unmarshal(raw, &secrets); err != nil {
		return err
	}
	tokens := map[string]acctest.Secret{}
	var others []acctest.Secret
	for _, s := range secrets {
		if plaid.TokenPattern().FindString(s.Value) == s.Value {
			tokens[s.Value] = s
		} else {
			others = append(others, s)
		}
	}
	lengthSeen := map[int]bool{}
	var tokenLengths []int
	for v := range tokens {
		if !lengthSeen[len(v)] {
			lengthSeen[len(v)] = true
			tokenLengths = append(tokenLengths, len(v))
		}
	}
	files, bytesRead, providerLines := 0, 0, 0
	leaks := map[string]int{}     // "what in file" -> count
	exempted := map[string]bool{} // reasons seen
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == acctest.LeakScanListFile {
			return err
		}
		text, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		bytesRead += len(text)
		providerLines += bytes.Count(text, []byte("Plaid answered"))
		found := func(s acctest.Secret, n int) {
			if s.Exempt != "" {
				exempted[s.Exempt] = true
				return
			}
			leaks[fmt.Sprintf("%s in %s", s.What, filepath.Base(path))] += n
		}
		// One pass finds every token-shaped string; the few other secrets
		// are counted one by one. Hundreds of tokens over hundreds of
		// megabytes would otherwise take hours.
		for _, m := range plaid.TokenPattern().FindAll(text, -1) {
			// A token run together with more token characters matches
			// longer: try each registered length as a prefix too.
			for _, n := range tokenLengths {
				if n <= len(m) {
					if s, ok := tokens[string(m[:n])]; ok {
						found(s, 1)
						break
					}
				}
			}
		}
		for _, s := range others {
			if n := bytes.Count(text, []byte(s.Value)); n > 0 {
				found(s, n)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Printf("leak scan: %d files, %.1f MB, %d secrets and tokens looked for, %d provider request log lines seen\n", files, float64(bytesRead)/1e6, len(secrets), providerLines)
	for reason := range exempted {
		fmt.Printf("  shown on purpose: %s\n", reason)
	}
	if providerLines == 0 {
		return fmt.Errorf("the logs hold none of the provider's request logs, so the scan would prove nothing: was TF_LOG=TRACE set?")
	}
	if len(leaks) > 0 {
		keys := make([]string, 0, len(leaks))
		for k := range leaks {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Printf("  LEAK: %s (%d times)\n", k, leaks[k])
		}
		return fmt.Errorf("%d leaks", len(leaks))
	}
	fmt.Println("leak scan: no secret or token found")
	return nil
}
