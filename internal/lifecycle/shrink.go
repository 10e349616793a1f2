package lifecycle

import "time"

// Shrink finds a shorter sequence of steps that still fails the same way
// (fails reports the failure's signature, "" when the candidate passes).
// It is delta debugging (Zeller's ddmin) over the step list: try dropping
// each of n chunks, keep any drop that still fails, and split finer when
// none does, until single steps cannot be dropped or the budget is spent.
// Each candidate is a full replay from a fresh emulator and fresh state,
// so fails is slow: the budget bounds the whole search, and what was found
// so far is returned.
func Shrink(steps []Step, signature string, budget time.Duration, fails func([]Step) string) []Step {
	deadline := time.Now().Add(budget)
	current := append([]Step(nil), steps...)
	n := 2
	for len(current) >= 2 && time.Now().Before(deadline) {
		chunk := (len(current) + n - 1) / n
		reduced := false
		for start := 0; start < len(current) && time.Now().Before(deadline); start += chunk {
			end := min(start+chunk, len(current))
			candidate := append(append([]Step(nil), current[:start]...), current[end:]...)
			if len(candidate) == 0 {
				continue
			}
			if fails(candidate) == signature {
				current = candidate
				n = max(n-1, 2)
				reduced = true
				break
			}
		}
		if reduced {
			continue
		}
		if n >= len(current) {
			break
		}
		n = min(2*n, len(current))
	}
	return current
}
