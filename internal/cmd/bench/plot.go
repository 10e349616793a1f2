package main

import (
	"fmt"
	"math"
	"strings"
)

// plot draws time against N, one panel per phase, each setting's measured
// times as a solid line and its floor as a dashed line of the same colour.
// It writes SVG by hand to need no plotting library.
func plot(runs []Run) string {
	const panelW, panelH, margin = 460.0, 330.0, 55.0
	colours := map[string]string{"0 ms": "#1f77b4", "50 ms": "#d62728", "sandbox remove limit": "#2ca02c"}
	var names []string
	maxN := 0
	for _, r := range runs {
		if len(names) == 0 || names[len(names)-1] != r.Setting.Name {
			names = append(names, r.Setting.Name)
		}
		maxN = max(maxN, r.N)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="12">`+"\n", 2*panelW+40, panelH+70)
	b.WriteString(`<rect width="100%" height="100%" fill="white"/>` + "\n")
	for i, phase := range []string{"adopt (terraform apply)", "destroy (terraform destroy -refresh=false)"} {
		x0 := 20 + float64(i)*(panelW+20)
		get := func(r Run) Phase {
			if i == 0 {
				return r.Adopt
			}
			return r.Destroy
		}
		maxT := 0.0
		for _, r := range runs {
			maxT = max(maxT, get(r).Seconds, get(r).FloorSeconds)
		}
		maxT = niceCeil(maxT)
		px := func(n int) float64 { return x0 + margin + float64(n)/float64(maxN)*(panelW-margin-15) }
		py := func(t float64) float64 { return 30 + (panelH-margin)*(1-t/maxT) }
		fmt.Fprintf(&b, `<text x="%.0f" y="20" font-size="14" font-weight="bold">%s</text>`+"\n", x0+margin, phase)
		// Axes, ticks and grid.
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", px(0), py(0), px(maxN), py(0))
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", px(0), py(0), px(0), py(maxT))
		label := "%.0f"
		if maxT < 10 {
			label = "%.1f"
		}
		for k := 0; k <= 5; k++ {
			t := maxT * float64(k) / 5
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/><text x="%.1f" y="%.1f" text-anchor="end">`+label+`</text>`+"\n", px(0), py(t), px(maxN), py(t), px(0)-5, py(t)+4, t)
			n := maxN * k / 5
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%d</text>`+"\n", px(n), py(0)+16, n)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">Items (N)</text>`+"\n", px(maxN/2), py(0)+32)
		fmt.Fprintf(&b, `<text transform="translate(%.1f,%.1f) rotate(-90)" text-anchor="middle">seconds</text>`+"\n", x0+14, py(maxT/2))
		for _, name := range names {
			var measured, floor []string
			var dots [][2]float64
			for _, r := range runs {
				if r.Setting.Name == name {
					x, y := px(r.N), py(get(r).Seconds)
					dots = append(dots, [2]float64{x, y})
					measured = append(measured, fmt.Sprintf("%.1f,%.1f", x, y))
					floor = append(floor, fmt.Sprintf("%.1f,%.1f", x, py(get(r).FloorSeconds)))
				}
			}
			c := colours[name]
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(measured, " "), c)
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="1.5" stroke-dasharray="5,4"/>`+"\n", strings.Join(floor, " "), c)
			for _, d := range dots {
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", d[0], d[1], c)
			}
		}
	}
	// Legend.
	lx := 20 + margin
	for _, name := range names {
		c := colours[name]
		fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="%s" stroke-width="2"/><text x="%.0f" y="%.0f">%s</text>`+"\n", lx, panelH+45, lx+25, panelH+45, c, lx+30, panelH+49, name)
		lx += 60 + 7*float64(len(name))
	}
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="gray" stroke-width="1.5" stroke-dasharray="5,4"/><text x="%.0f" y="%.0f">floor (dashed)</text>`+"\n", lx, panelH+45, lx+25, panelH+45, lx+30, panelH+49)
	b.WriteString("</svg>\n")
	return b.String()
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten, for axis ends.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}
