package plaid

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// The bounds issue 19 set, shown by benchmarks (make bench-redact): with
// 100,000 tokens registered, a hostile error answer of 4 MiB (refused
// undecoded) or of 60 KiB (decoded, each field cut first) becomes a
// diagnostic in well under 50 ms, a log line is masked at a cost that does
// not grow with the registry, and each token costs a few dozen bytes.

const benchTokens = 100_000

// hostileBody is a 4 MiB error answer whose message repeats the beginning
// every token shares, percent-escapes and digits: the worst the earlier
// redactor met.
func hostileBody() []byte {
	message := strings.Repeat("access-s %41%42 &#65; 0123456789abcdef ", (4<<20)/40)
	return []byte(`{"error_type":"INVALID_INPUT","error_code":"INVALID_ACCESS_TOKEN","error_message":"` + message + `","display_message":"` + message[:1<<20] + `","request_id":"r1"}`)
}

func BenchmarkDecodeError_hostile4MiBWith100kTokens(b *testing.B) {
	registerFuzzSecrets()
	registerBenchTokens(b)
	body := hostileBody()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var st shownStats
		err := decodeError(400, "application/json", body, &st)
		_ = Redact(err.Error())
	}
}

// A hostile error answer just under maxErrorBytes is decoded; each of its
// fields is cut to maxShownInput before anything else looks at it.
func BenchmarkDecodeError_hostile60KiBWith100kTokens(b *testing.B) {
	registerFuzzSecrets()
	registerBenchTokens(b)
	message := strings.Repeat("access-s %41%42 &#65; 0123456789abcdef ", (60<<10)/40)
	body := []byte(`{"error_type":"INVALID_INPUT","error_code":"INVALID_ACCESS_TOKEN","error_message":"` + message + `","request_id":"r1"}`)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var st shownStats
		err := decodeError(400, "application/json", body, &st)
		_ = Redact(err.Error())
	}
}

func BenchmarkShowServerText_4KiBWith100kTokens(b *testing.B) {
	registerFuzzSecrets()
	registerBenchTokens(b)
	text := strings.Repeat("access-s 0123456789 ", 205)
	b.ReportAllocs()
	for b.Loop() {
		_ = ShowServerText(text)
	}
}

func BenchmarkLogMask_lineWith100kTokens(b *testing.B) {
	registerFuzzSecrets()
	registerBenchTokens(b)
	ctx := WithLogMasks(tflogtest.RootLogger(context.Background(), io.Discard))
	line := "Plaid answered " + strings.Repeat("access-s 0123 ", 40)
	b.ReportAllocs()
	for b.Loop() {
		tflog.Info(ctx, line, map[string]any{"error": line})
	}
}

// BenchmarkRegistry_bytesPerToken reports what each registered token costs
// in memory: the cap times this bounds what a server can make the process
// keep.
func BenchmarkRegistry_bytesPerToken(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		resetRegistryForBenchmark()
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		b.StartTimer()
		registerBenchTokens(b)
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/benchTokens, "heap-bytes/token")
		b.StartTimer()
	}
}

func resetRegistryForBenchmark() {
	known.Lock()
	defer known.Unlock()
	known.byLength, known.lengths, known.tokens = nil, nil, 0
}

// Stopped (Ctrl-C) while a hostile server streams a 4 MiB error answer: the
// call ends within the grace period, whatever the answer holds.
func TestClient_stopDuringAHostileAnswerEndsWithinTheGrace(t *testing.T) {
	registerFuzzSecrets()
	body := hostileBody()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		for i := 0; i < len(body); i += 64 << 10 {
			if _, err := w.Write(body[i:min(len(body), i+64<<10)]); err != nil {
				return
			}
			time.Sleep(50 * time.Millisecond) // about 3 s for the whole body
		}
	}))
	defer srv.Close()
	const grace = time.Second
	c, err := New(Config{BaseURL: srv.URL, ClientID: "cid", Secret: fuzzSecret, RequestsPerMinute: 100000, AnswerGrace: grace})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() { _, err := c.GetItem(ctx, fuzzAccessToken); done <- err }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("the call succeeded")
		}
	case <-time.After(grace + 5*time.Second):
		t.Fatal("the call was still running well past the grace period after the stop")
	}
}
