package emulator

// DefaultMaxCalls is how many calls the call log keeps by default: enough
// for a teardown of thousands of Items with retries, small enough (a few
// MiB) that an emulator left running in CI does not grow without end.
const DefaultMaxCalls = 10000

// callLog keeps the most recent calls, up to max. Past max it overwrites
// the oldest and counts each one dropped, so that a reader knows the log
// is incomplete rather than silently missing the start.
type callLog struct {
	max     int
	entries []Call // in arrival order until full, then a ring from next
	next    int
	dropped int
}

func (l *callLog) add(c Call) {
	if len(l.entries) < l.max {
		l.entries = append(l.entries, c)
		return
	}
	l.entries[l.next] = c
	l.next = (l.next + 1) % l.max
	l.dropped++
}

// list returns the calls kept, oldest first.
func (l *callLog) list() []Call {
	out := make([]Call, 0, len(l.entries))
	out = append(out, l.entries[l.next:]...)
	return append(out, l.entries[:l.next]...)
}

func (l *callLog) reset() { *l = callLog{max: l.max} }

// DroppedCalls returns how many calls the call log dropped, oldest first,
// to stay within its cap (Options.MaxCalls) since it was last reset.
func (e *Emulator) DroppedCalls() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.calls.dropped
}

// MaxCalls returns the call log's cap.
func (e *Emulator) MaxCalls() int { return e.opts.MaxCalls }
