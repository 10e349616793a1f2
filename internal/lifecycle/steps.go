package lifecycle

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// Step is one ordinary moment in an estate's life: its name, and the label
// (or the milliseconds before a Ctrl-C) it acts on. Written "name" or
// "name:arg", the form LIFECYCLE_STEPS takes.
type Step struct {
	Name string
	Arg  string
}

func (s Step) String() string {
	if s.Arg == "" {
		return s.Name
	}
	return s.Name + ":" + s.Arg
}

// FormatSteps writes steps as LIFECYCLE_STEPS takes them.
func FormatSteps(steps []Step) string {
	parts := make([]string, len(steps))
	for i, s := range steps {
		parts[i] = s.String()
	}
	return strings.Join(parts, ",")
}

// ParseSteps reads LIFECYCLE_STEPS: step names, each with its argument
// after a colon, separated by commas.
func ParseSteps(s string) ([]Step, error) {
	var out []Step
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, arg, _ := strings.Cut(part, ":")
		def, ok := catalogue[name]
		if !ok {
			return nil, fmt.Errorf("unknown step %q; the steps are %s", name, strings.Join(stepNames(), ", "))
		}
		if def.arg != (arg != "") {
			return nil, fmt.Errorf("step %q: %s", part, def.argHelp())
		}
		if def.arg && def.argIsMS {
			if _, err := strconv.Atoi(arg); err != nil {
				return nil, fmt.Errorf("step %q: the argument is milliseconds", part)
			}
		}
		out = append(out, Step{Name: name, Arg: arg})
	}
	return out, nil
}

// stepDef describes a step for the generator: how often it is drawn, and
// what it needs.
type stepDef struct {
	weight float64
	// arg: the step takes a label (or milliseconds, argIsMS).
	arg, argIsMS bool
	// target picks the labels the step can act on; nil for steps that
	// create their label or need none.
	target func(g *genModel) []string
	// creates: the step adds a label of this kind (its argument).
	creates *kind
	// effect updates the generator's belief.
	effect func(g *genModel, arg string)
}

func (d stepDef) argHelp() string {
	switch {
	case !d.arg:
		return "takes no argument"
	case d.argIsMS:
		return "takes milliseconds: name:300"
	default:
		return "takes a label: name:a0"
	}
}

var (
	kindAdopted = adopted
	kindSandbox = sandbox
)

// catalogue is every step, by name. Each is run by walk.run (walk.go).
var catalogue = map[string]stepDef{
	// Operators bring Items in.
	"adopt":        {weight: 3, arg: true, creates: &kindAdopted},
	"import-env":   {weight: 1, arg: true, creates: &kindAdopted},
	"import-block": {weight: 1, arg: true, creates: &kindAdopted},
	"sandbox":      {weight: 1.5, arg: true, creates: &kindSandbox},
	// Operators change what can change in place.
	"webhook":       {weight: 2, arg: true, target: (*genModel).live},
	"clear-webhook": {weight: 1, arg: true, target: (*genModel).live},
	"note":          {weight: 2, arg: true, target: (*genModel).live},
	"method":        {weight: 1.5, arg: true, target: (*genModel).live},
	// Plaid and the Items' owners act.
	"rotate":      {weight: 2, arg: true, target: (*genModel).liveAdopted},
	"revoke":      {weight: 1.5, arg: true, target: (*genModel).live, effect: (*genModel).revoke},
	"reset-login": {weight: 1, arg: true, target: (*genModel).live},
	// Operators rename, forget and drop.
	"relabel-moved":  {weight: 1, arg: true, target: (*genModel).liveAdopted, effect: (*genModel).relabel},
	"relabel":        {weight: 1, arg: true, target: (*genModel).liveAdopted, effect: (*genModel).relabel},
	"forget-removed": {weight: 0.7, arg: true, target: (*genModel).liveSandbox, effect: (*genModel).drop},
	"forget-rm":      {weight: 0.7, arg: true, target: (*genModel).live, effect: (*genModel).drop},
	"drop":           {weight: 1, arg: true, target: (*genModel).live, effect: (*genModel).drop},
	// Operators run the CLI.
	"plan":              {weight: 1},
	"refresh-only":      {weight: 1},
	"apply":             {weight: 1.5},
	"apply-norefresh":   {weight: 1},
	"destroy":           {weight: 0.5, effect: (*genModel).destroy},
	"destroy-norefresh": {weight: 0.5, effect: (*genModel).destroy},
	"interrupt-apply":   {weight: 0.7, arg: true, argIsMS: true},
	"interrupt-destroy": {weight: 0.5, arg: true, argIsMS: true, effect: (*genModel).destroy},
	// The world misbehaves.
	"faults-on":  {weight: 0.7},
	"faults-off": {weight: 1},
	// An upgrade from an earlier release.
	"old-state": {weight: 0.7},
}

func stepNames() []string {
	names := make([]string, 0, len(catalogue))
	for n := range catalogue {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// genModel is the generator's rough belief about the estate: which labels
// exist and whether they are live. Steps whose target has gone by the time
// they run (a failed apply, a shrunk sequence) do nothing.
type genModel struct {
	adopted, sandbox map[string]bool // label -> live
	next             int
	faults           bool
}

// liveOf lists the live labels of m, in order.
func liveOf(m map[string]bool) []string {
	var out []string
	for l, live := range m {
		if live {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return out
}

func (g *genModel) live() []string        { return append(liveOf(g.adopted), liveOf(g.sandbox)...) }
func (g *genModel) liveAdopted() []string { return liveOf(g.adopted) }
func (g *genModel) liveSandbox() []string { return liveOf(g.sandbox) }

func (g *genModel) revoke(name string) {
	if _, ok := g.adopted[name]; ok {
		delete(g.adopted, name) // the walk drops a revoked adopted label
		return
	}
	g.sandbox[name] = true // the next apply creates a new sandbox Item
}

func (g *genModel) relabel(name string) {
	delete(g.adopted, name)
	g.adopted[relabelled(name)] = true
}

func (g *genModel) drop(name string) {
	delete(g.adopted, name)
	delete(g.sandbox, name)
}

func (g *genModel) destroy(string) {
	g.adopted, g.sandbox = map[string]bool{}, map[string]bool{}
}

// relabelled is the label a relabel step gives: the old one with an x,
// so that later steps of a sequence still name it after shrinking.
func relabelled(name string) string { return name + "x" }

// maxItems keeps the estate small: each CLI run stays cheap.
const maxItems = 5

// Generate draws n steps for seed: a reproducible walk. The same seed gives
// the same steps on every CLI (a step the CLI cannot do is skipped when
// run). Steps named in exclude are never drawn, to look past a known bug
// (LIFECYCLE_EXCLUDE); excluding any changes the walk a seed draws.
func Generate(seed uint64, n int, exclude ...string) []Step {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	g := &genModel{adopted: map[string]bool{}, sandbox: map[string]bool{}}
	var steps []Step
	names := stepNames()
	for len(steps) < n {
		type option struct {
			step   Step
			weight float64
		}
		var options []option
		total := 0.0
		for _, name := range names {
			def := catalogue[name]
			if slices.Contains(exclude, name) {
				continue
			}
			if (name == "faults-on" && g.faults) || (name == "faults-off" && !g.faults) {
				continue
			}
			var arg string
			switch {
			case def.creates != nil:
				if len(g.adopted)+len(g.sandbox) >= maxItems || (*def.creates == sandbox && len(g.sandbox) >= 2) {
					continue
				}
				prefix := "a"
				if *def.creates == sandbox {
					prefix = "s"
				}
				arg = fmt.Sprintf("%s%d", prefix, g.next)
			case def.target != nil:
				targets := def.target(g)
				if len(targets) == 0 {
					continue
				}
				arg = targets[rng.IntN(len(targets))]
			case def.argIsMS:
				arg = strconv.Itoa(100 + rng.IntN(1500))
			}
			// Start with something to act on.
			w := def.weight
			if len(g.adopted)+len(g.sandbox) == 0 && def.creates == nil {
				w /= 10
			}
			options = append(options, option{Step{name, arg}, w})
			total += w
		}
		x := rng.Float64() * total
		chosen := options[len(options)-1].step
		for _, o := range options {
			if x < o.weight {
				chosen = o.step
				break
			}
			x -= o.weight
		}
		def := catalogue[chosen.Name]
		switch {
		case def.creates != nil && *def.creates == adopted:
			g.adopted[chosen.Arg] = true
			g.next++
		case def.creates != nil:
			g.sandbox[chosen.Arg] = true
			g.next++
		}
		if def.effect != nil {
			def.effect(g, chosen.Arg)
		}
		switch chosen.Name {
		case "faults-on":
			g.faults = true
		case "faults-off":
			g.faults = false
		}
		steps = append(steps, chosen)
	}
	return steps
}
