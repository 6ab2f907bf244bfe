package schedules

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/internal/state"
)

// clock is a fake time source: Sleep advances it instead of waiting.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return nil
}

// recorder is a RunFunc that records each period it bills in the ledger
// of dir, as the billing job does.
type recorder struct {
	mu     sync.Mutex
	billed []string
	fail   func(p period.Period) error
	dir    string
	now    func() time.Time
}

func (r *recorder) run(ctx context.Context, p period.Period) (Outcome, error) {
	if r.fail != nil {
		if err := r.fail(p); err != nil {
			return Outcome{}, err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	l, err := state.LoadLedger(r.dir)
	if err != nil {
		return Outcome{}, err
	}
	if l.Has(p.Label) {
		return Outcome{}, state.ErrBilled
	}
	r.billed = append(r.billed, p.Label)
	err = l.Record(state.Entry{Period: p.Label, Start: p.Start.Format(time.RFC3339), End: p.End.Format(time.RFC3339),
		CompletedAt: r.now().UTC().Format(time.RFC3339), ManifestDigest: "sha256:" + p.Label, FilesRead: 10})
	return Outcome{ManifestDigest: "sha256:" + p.Label, FilesRead: 10}, err
}

func newScheduler(t *testing.T, spec, zone string, kind period.Kind, now time.Time, rec *recorder) (*Scheduler, *clock) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	sch, err := ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{now: now}
	rec.dir, rec.now = t.TempDir(), c.Now
	return &Scheduler{Schedule: sch, Location: loc, Kind: kind, StateDir: rec.dir, Lookback: 3, Run: rec.run,
		Now: c.Now, Sleep: c.Sleep, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Retries: 2, Backoff: time.Second}, c
}

func TestCatchUpAfterThreeMonthGapAndNoDoubleBilling(t *testing.T) {
	rec := &recorder{}
	s, _ := newScheduler(t, DefaultSpec, "Europe/Berlin", period.KindMonth, time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), rec)
	l, _ := state.LoadLedger(s.StateDir)
	l.Record(state.Entry{Period: "2026-07", Start: "2026-07-01T00:00:00+02:00"})
	if err := s.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rec.billed, ","); got != "2026-08,2026-09,2026-10" {
		t.Fatalf("billed %s, want the three missed months oldest first", got)
	}
	// A restart bills nothing more.
	if err := s.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(rec.billed) != 3 {
		t.Fatalf("restart billed again: %v", rec.billed)
	}
	l, _ = state.LoadLedger(s.StateDir)
	if e, _ := l.Last(); e.Period != "2026-10" || e.ManifestDigest != "sha256:2026-10" {
		t.Errorf("ledger last %+v", e)
	}
}

func TestLookbackBound(t *testing.T) {
	rec := &recorder{}
	s, _ := newScheduler(t, DefaultSpec, "UTC", period.KindMonth, time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), rec)
	l, _ := state.LoadLedger(s.StateDir)
	l.Record(state.Entry{Period: "2025-12", Start: "2025-12-01T00:00:00Z"})
	s.CatchUp(context.Background())
	if got := strings.Join(rec.billed, ","); got != "2026-08,2026-09,2026-10" {
		t.Fatalf("billed %s, want only the lookback window", got)
	}
}

// cron skips 02:30 on the spring-forward day; the next firing's catch-up
// bills the day the lost firing would have.
func TestDSTGapIsCaughtUp(t *testing.T) {
	for _, zone := range []string{"Europe/Berlin", "America/New_York"} {
		rec := &recorder{}
		loc, _ := time.LoadLocation(zone)
		gapDay := map[string]int{"Europe/Berlin": 29, "America/New_York": 8}[zone]
		month := map[string]time.Month{"Europe/Berlin": time.March, "America/New_York": time.March}[zone]
		start := time.Date(2026, month, gapDay-1, 12, 0, 0, 0, loc)
		s, c := newScheduler(t, "30 2 * * *", zone, period.KindDay, start, rec)
		fires := s.Next(start, 2)
		if fires[0].Day() != gapDay+1 {
			t.Fatalf("%s: cron fires %v; expected it to skip %d (DST gap)", zone, fires, gapDay)
		}
		l, _ := state.LoadLedger(s.StateDir)
		l.Record(state.Entry{Period: period.Day(2026, month, gapDay-2, loc).Label, Start: "x"})
		c.now = fires[0]
		if err := s.CatchUp(context.Background()); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("2026-%02d-%02d,2026-%02d-%02d", month, gapDay-1, month, gapDay)
		if got := strings.Join(rec.billed, ","); got != want {
			t.Errorf("%s: billed %s, want %s", zone, got, want)
		}
	}
}

func TestLockRefusesSecondRun(t *testing.T) {
	dir := t.TempDir()
	a, err := state.Acquire(context.Background(), dir, false)
	if err != nil {
		t.Fatal(err)
	}
	_, err = state.Acquire(context.Background(), dir, false)
	if !errors.Is(err, state.ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
		t.Fatalf("second lock: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := state.Acquire(ctx, dir, true); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting lock: %v", err)
	}
	a.Release()
	b, err := state.Acquire(context.Background(), dir, false)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	b.Release()
}

// Cancelling during a run (SIGTERM) leaves the ledger without that period
// and with the ones before it.
func TestCancelMidRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	rec := &recorder{}
	rec.fail = func(p period.Period) error {
		if p.Label == "2026-10" {
			cancel()
			return ctx.Err()
		}
		return nil
	}
	s, _ := newScheduler(t, DefaultSpec, "UTC", period.KindMonth, time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC), rec)
	err := s.CatchUp(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	l, _ := state.LoadLedger(s.StateDir)
	if len(l.Entries) != 2 || l.Has("2026-10") {
		t.Fatalf("ledger %+v", l.Entries)
	}
	if _, err := os.Stat(filepath.Join(s.StateDir, state.LockFile+".holder")); !os.IsNotExist(err) {
		t.Error("lock holder left behind")
	}
}

func TestTransientRetried(t *testing.T) {
	rec := &recorder{}
	n := 0
	rec.fail = func(p period.Period) error {
		n++
		if n <= 2 {
			return fmt.Errorf("rrdcached: %w", syscall.ECONNREFUSED)
		}
		return nil
	}
	s, c := newScheduler(t, DefaultSpec, "UTC", period.KindMonth, time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC), rec)
	s.Lookback = 1
	before := c.Now()
	if err := s.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(rec.billed) != 1 || c.Now().Sub(before) != 3*time.Second {
		t.Errorf("billed %v after %v of backoff, want 1s+2s", rec.billed, c.Now().Sub(before))
	}
	rec.fail = func(period.Period) error { return errors.New("bad config") }
	c.now = time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC) // November is due
	if err := s.CatchUp(context.Background()); err == nil {
		t.Error("a permanent failure was not reported")
	}
}

// The loop fires on schedule with the fake clock and bills each month once.
func TestLoop(t *testing.T) {
	rec := &recorder{}
	s, c := newScheduler(t, DefaultSpec, "Europe/Berlin", period.KindMonth, time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC), rec)
	s.Lookback = 1
	ctx, cancel := context.WithCancel(context.Background())
	s.Sleep = func(ctx context.Context, d time.Duration) error {
		if c.Now().After(time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC)) {
			cancel()
			return ctx.Err()
		}
		return c.Sleep(ctx, d)
	}
	s.Metrics = NewMetrics(filepath.Join(t.TempDir(), "billrun.prom"))
	if err := s.Loop(ctx); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if got := strings.Join(rec.billed, ","); got != "2026-09,2026-10,2026-11,2026-12,2027-01" {
		t.Fatalf("billed %s", got)
	}
	b, _ := os.ReadFile(s.Metrics.Path)
	for _, want := range []string{"# TYPE billrun_last_success_timestamp_seconds gauge\n",
		"\nbillrun_last_billed_period_end_timestamp_seconds 1801436400\n", "\nbillrun_billed_periods 5\n",
		"\nbillrun_last_run_files_read 10\n", "\nbillrun_last_attempt_failed 0\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %q:\n%s", want, b)
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if !strings.HasPrefix(l, "# ") && len(strings.Fields(l)) != 2 {
			t.Errorf("malformed sample line %q", l)
		}
	}
}

// A daemon that finds the state directory busy tries again in minutes,
// not at the next firing a month later.
func TestLoopRetriesBusySoon(t *testing.T) {
	rec := &recorder{}
	s, c := newScheduler(t, DefaultSpec, "UTC", period.KindMonth, time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC), rec)
	s.Lookback = 1
	lock, err := state.Acquire(context.Background(), s.StateDir, false)
	if err != nil {
		t.Fatal(err)
	}
	rec.fail = func(period.Period) error {
		if lock != nil {
			return fmt.Errorf("run: %w", state.ErrLocked)
		}
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	var slept []time.Duration
	s.Sleep = func(ctx context.Context, d time.Duration) error {
		slept = append(slept, d)
		if len(slept) == 1 {
			lock.Release() // the other run ends
			lock = nil
		}
		if len(slept) == 2 {
			cancel()
			return ctx.Err()
		}
		return c.Sleep(ctx, d)
	}
	if err := s.Loop(ctx); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if slept[0] != BusyRetry || strings.Join(rec.billed, ",") != "2026-10" {
		t.Errorf("slept %v, billed %v", slept, rec.billed)
	}
}

// The metrics count the drafts held for review, whatever the ledger has.
func TestMetricsCountHeldDrafts(t *testing.T) {
	for _, l := range []*state.Ledger{{Held: 2}, {Held: 2, Entries: []state.Entry{{Period: "2026-10", End: "2026-11-01T00:00:00Z"}}}} {
		if b := string(render(l, nil)); !strings.Contains(b, "\nbillrun_drafts_held 2\n") {
			t.Errorf("metrics of %+v:\n%s", l, b)
		}
	}
}

// The metrics count the documents unsent, uncertain, to retry and failed.
func TestMetricsCountDeliveries(t *testing.T) {
	l := &state.Ledger{Deliveries: state.DeliveryCounts{Unsent: 4, Uncertain: 1, Retry: 2, Failed: 3}}
	b := string(render(l, nil))
	for _, want := range []string{"\nbillrun_documents_unsent 4\n", "\nbillrun_deliveries_uncertain 1\n", "\nbillrun_deliveries_retry 2\n", "\nbillrun_deliveries_failed 3\n"} {
		if !strings.Contains(b, want) {
			t.Errorf("metrics lack %q:\n%s", want, b)
		}
	}
}

// No period that ends at or before billing may begin is billed: with the
// data beginning on 21 October, a first catch-up in December bills
// October and November, not September; with no data yet, nothing.
func TestCatchUpBillsNothingBeforeTheDataBegins(t *testing.T) {
	for _, c := range []struct {
		begins time.Time
		ok     bool
		want   string
	}{
		{time.Date(2026, 10, 21, 14, 3, 0, 0, time.UTC), true, "2026-10,2026-11"},
		{time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), true, "2026-11"}, // billing_start: 2026-11
		{time.Time{}, false, ""},
	} {
		rec := &recorder{}
		s, _ := newScheduler(t, DefaultSpec, "UTC", period.KindMonth, time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC), rec)
		var asked []bool
		s.Begins = func(_ context.Context, billed bool) (time.Time, bool, error) {
			asked = append(asked, billed)
			return c.begins, c.ok, nil
		}
		if err := s.CatchUp(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(rec.billed, ","); got != c.want {
			t.Errorf("begins %v (%v): billed %q, want %q", c.begins, c.ok, got, c.want)
		}
		// told whether the ledger has periods, so the files are read once
		if err := s.CatchUp(context.Background()); err != nil {
			t.Fatal(err)
		}
		if want := []bool{false, c.want != ""}; !slices.Equal(asked, want) {
			t.Errorf("begins %v: asked with billed %v, want %v", c.begins, asked, want)
		}
	}
}
