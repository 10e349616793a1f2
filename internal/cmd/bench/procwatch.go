package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times: 100 on
// every Linux architecture Go supports.
const clockTicks = 100

// childWatch samples the provider processes one terraform command starts
// (its direct children; Terraform runs dev_overrides binaries itself): each
// one's CPU time and the highest resident set (VmHWM) any of them reached.
// Only terraform's own children count, so other providers running on the
// machine do not. Both values only grow while a process lives, so the last
// sample before it exits is its total, give or take the last 20 ms.
type childWatch struct {
	parent string
	done   chan struct{}
	wg     sync.WaitGroup
	mu     sync.Mutex
	usage  childUsage
}

type childUsage struct {
	peakRSSKiB int64
	ticks      map[int]int64 // CPU ticks per provider process
}

func (u childUsage) cpuSeconds() float64 {
	var t int64
	for _, v := range u.ticks {
		t += v
	}
	return float64(t) / clockTicks
}

func watchChildren(pid int) *childWatch {
	w := &childWatch{parent: strconv.Itoa(pid), done: make(chan struct{}), usage: childUsage{ticks: map[int]int64{}}}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			w.sample()
			select {
			case <-w.done:
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

func (w *childWatch) sample() {
	for _, pid := range childPIDs(w.parent) {
		stat, err := os.ReadFile(filepath.Join("/proc", pid, "stat"))
		if err != nil {
			continue
		}
		comm, ppid, ticks, ok := parseStat(string(stat))
		// comm is cut to 15 characters: "terraform-provi".
		if !ok || ppid != w.parent || !strings.HasPrefix(comm, "terraform-provi") {
			continue
		}
		status, _ := os.ReadFile(filepath.Join("/proc", pid, "status"))
		hwm := vmHWM(string(status))
		n, _ := strconv.Atoi(pid)
		w.mu.Lock()
		w.usage.ticks[n] = max(w.usage.ticks[n], ticks)
		w.usage.peakRSSKiB = max(w.usage.peakRSSKiB, hwm)
		w.mu.Unlock()
	}
}

// childPIDs lists a process's children from /proc/<pid>/task/*/children,
// a few reads where scanning all of /proc would be hundreds, fifty times
// a second: the watcher must not take CPU from what it measures.
func childPIDs(parent string) []string {
	tasks, _ := os.ReadDir(filepath.Join("/proc", parent, "task"))
	var pids []string
	for _, t := range tasks {
		raw, err := os.ReadFile(filepath.Join("/proc", parent, "task", t.Name(), "children"))
		if err != nil {
			continue
		}
		pids = append(pids, strings.Fields(string(raw))...)
	}
	return pids
}

func (w *childWatch) stop() childUsage {
	close(w.done)
	w.wg.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.usage
}

// parseStat reads the command name, parent pid and CPU time (utime + stime,
// in clock ticks) from /proc/<pid>/stat. The name is in parentheses and may
// itself hold spaces or parentheses, so the fields are counted from the
// last ')'.
func parseStat(stat string) (comm, ppid string, ticks int64, ok bool) {
	open, end := strings.IndexByte(stat, '('), strings.LastIndexByte(stat, ')')
	if open < 0 || end < open {
		return "", "", 0, false
	}
	f := strings.Fields(stat[end+1:])
	// f[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
	if len(f) < 13 {
		return "", "", 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return "", "", 0, false
	}
	return stat[open+1 : end], f[1], utime + stime, true
}

// vmHWM is the peak resident set in KiB from /proc/<pid>/status.
func vmHWM(status string) int64 {
	for _, line := range strings.Split(status, "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kib
		}
	}
	return 0
}
