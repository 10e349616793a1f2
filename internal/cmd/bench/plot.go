package main

import (
	"fmt"
	"math"
	"strings"
)

// series is one line of the plot.
type series struct {
	label, colour string
	dashed        bool
	points        [][2]float64 // N, seconds
}

// plotColours gives each provider setting a colour; time_static is black.
var plotColours = map[string]string{"0 ms": "#1f77b4", "50 ms": "#d62728", "sandbox remove limit": "#2ca02c"}

// plotSeries are a phase's lines: time_static, the provider under each
// setting, and the floors that differ from time_static (latency and rate
// limit), dashed in the setting's colour.
func plotSeries(runs []Run, phase string) []series {
	var out []series
	index := map[string]int{}
	add := func(label, colour string, dashed bool, n int, t float64) {
		i, ok := index[label]
		if !ok {
			i = len(out)
			index[label] = i
			out = append(out, series{label: label, colour: colour, dashed: dashed})
		}
		out[i].points = append(out[i].points, [2]float64{float64(n), t})
	}
	for _, r := range runs {
		p := r.phase(phase)
		if r.Provider == "time_static" {
			colour := "#000000"
			if r.Setting != timeStaticAsShipped {
				colour = "#999999"
			}
			add("time_static, "+r.Setting.Name, colour, false, r.N, p.Seconds)
			continue
		}
		c := plotColours[r.Setting.Name]
		if c == "" {
			c = "#888888"
		}
		add("plaid, "+r.Setting.Name, c, false, r.N, p.Seconds)
		if r.Setting.LatencyMS > 0 || r.Setting.RateLimited {
			add("floor, "+r.Setting.Name, c, true, r.N, p.FloorSeconds)
		}
	}
	return out
}

// plot draws time against N, one panel per phase. It writes SVG by hand to
// need no plotting library.
func plot(runs []Run) string {
	const panelW, panelH, margin = 400.0, 330.0, 55.0
	phases := []struct{ name, title string }{
		{phaseAdopt, "adopt (apply)"},
		{phaseDestroy, "destroy (with refresh)"},
		{phaseTeardown, "teardown (destroy -refresh=false)"},
	}
	maxN := 0
	for _, r := range runs {
		maxN = max(maxN, r.N)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="12">`+"\n", float64(len(phases))*(panelW+20)+20, panelH+90)
	b.WriteString(`<rect width="100%" height="100%" fill="white"/>` + "\n")
	var legend []series
	for i, ph := range phases {
		lines := plotSeries(runs, ph.name)
		if i == 0 {
			legend = lines
		}
		x0 := 20 + float64(i)*(panelW+20)
		maxT := 0.0
		for _, s := range lines {
			for _, pt := range s.points {
				maxT = max(maxT, pt[1])
			}
		}
		maxT = niceCeil(maxT)
		px := func(n float64) float64 { return x0 + margin + n/float64(max(maxN, 1))*(panelW-margin-15) }
		py := func(t float64) float64 { return 30 + (panelH-margin)*(1-t/maxT) }
		fmt.Fprintf(&b, `<text x="%.0f" y="20" font-size="14" font-weight="bold">%s</text>`+"\n", x0+margin, ph.title)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", px(0), py(0), px(float64(maxN)), py(0))
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", px(0), py(0), px(0), py(maxT))
		label := "%.0f"
		if maxT < 10 {
			label = "%.1f"
		}
		for k := 0; k <= 5; k++ {
			t := maxT * float64(k) / 5
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/><text x="%.1f" y="%.1f" text-anchor="end">`+label+`</text>`+"\n", px(0), py(t), px(float64(maxN)), py(t), px(0)-5, py(t)+4, t)
			n := maxN * k / 5
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%d</text>`+"\n", px(float64(n)), py(0)+16, n)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">Items (N)</text>`+"\n", px(float64(maxN)/2), py(0)+32)
		fmt.Fprintf(&b, `<text transform="translate(%.1f,%.1f) rotate(-90)" text-anchor="middle">seconds</text>`+"\n", x0+14, py(maxT/2))
		for _, s := range lines {
			pts := make([]string, len(s.points))
			for j, pt := range s.points {
				pts[j] = fmt.Sprintf("%.1f,%.1f", px(pt[0]), py(pt[1]))
			}
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" %s/>`+"\n", strings.Join(pts, " "), s.colour, stroke(s.dashed))
			if !s.dashed {
				for _, pt := range s.points {
					fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", px(pt[0]), py(pt[1]), s.colour)
				}
			}
		}
	}
	lx, ly := 20+margin, panelH+45
	for _, s := range legend {
		fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="%s" %s/><text x="%.0f" y="%.0f">%s</text>`+"\n", lx, ly, lx+25, ly, s.colour, stroke(s.dashed), lx+30, ly+4, s.label)
		lx += 50 + 7*float64(len(s.label))
		if lx > 3*panelW {
			lx, ly = 20+margin, ly+20
		}
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func stroke(dashed bool) string {
	if dashed {
		return `stroke-width="1.5" stroke-dasharray="5,4"`
	}
	return `stroke-width="2"`
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
