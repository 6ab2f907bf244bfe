package schedules

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"slices"
	"syscall"
	"time"

	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/internal/state"

	"github.com/robfig/cron/v3"
)

// BusyRetry is how soon the daemon tries again when another run holds the
// state directory.
var BusyRetry = 2 * time.Minute

// DefaultSpec fires at 03:00 on the 1st of each month.
const DefaultSpec = "0 3 1 * *"

// Outcome is what one billing run reports back.
type Outcome struct {
	ManifestDigest string
	FilesRead      int
	Problems       int
}

// RunFunc bills one period and records it in the ledger.
type RunFunc func(ctx context.Context, p period.Period) (Outcome, error)

// Scheduler decides what to bill when. Now and Sleep are injected so
// tests drive time.
type Scheduler struct {
	Schedule cron.Schedule
	Location *time.Location
	Kind     period.Kind // period kind billed (month)
	StateDir string
	Lookback int // periods
	Run      RunFunc
	Now      func() time.Time
	Sleep    func(ctx context.Context, d time.Duration) error
	Log      *slog.Logger
	Retries  int           // attempts after the first for transient failures
	Backoff  time.Duration // first retry delay, doubling
	Metrics  *Metrics      // nil: none
	// Issue, when set, runs after every catch-up: it issues the drafts
	// that are due to be issued without a person (issue.after).
	Issue func(ctx context.Context) error
	// Begins, when set, says when billing may begin (billing_start, or
	// when the data does): no period that ends at or before it is billed;
	// ok false bills nothing yet. billed says the ledger has periods: the
	// data began before them, so it need not be read again.
	Begins func(ctx context.Context, billed bool) (t time.Time, ok bool, err error)
}

// ParseSpec parses a standard 5-field cron spec.
func ParseSpec(spec string) (cron.Schedule, error) {
	if spec == "" {
		spec = DefaultSpec
	}
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", spec, err)
	}
	return s, nil
}

// Next lists the next n firing times after t, in the scheduler's zone.
func (s *Scheduler) Next(t time.Time, n int) []time.Time {
	var out []time.Time
	t = t.In(s.Location)
	for range n {
		t = s.Schedule.Next(t)
		if t.IsZero() {
			break
		}
		out = append(out, t)
	}
	return out
}

// PeriodAt is the period a firing at t bills: the last complete one.
func (s *Scheduler) PeriodAt(t time.Time) period.Period {
	return period.LastComplete(s.Kind, t, s.Location)
}

// Due lists the periods to bill at now, oldest first: every complete
// period after the ledger's last, at most Lookback back, minus those
// already in the ledger and those that end at or before Begins.
func (s *Scheduler) Due(ctx context.Context, now time.Time, l *state.Ledger) ([]period.Period, error) {
	begins, ok := time.Time{}, true
	if s.Begins != nil {
		var err error
		if begins, ok, err = s.Begins(ctx, len(l.Entries) > 0); err != nil {
			return nil, err
		}
	}
	last := s.PeriodAt(now)
	var back []period.Period
	for p := last; ok && len(back) < max(s.Lookback, 1); p = p.Prev() {
		if l.Has(p.Label) || !p.End.After(begins) {
			break // everything before it was billed, is older than the ledger or than billing
		}
		back = append(back, p)
	}
	slices.Reverse(back)
	return back, nil
}

// CatchUp bills every due period, oldest first. Each run takes the state
// directory's lock and records its period in the ledger itself (package
// job); a period another process billed meanwhile is skipped.
func (s *Scheduler) CatchUp(ctx context.Context) error {
	l, err := state.LoadLedger(s.StateDir)
	if err != nil {
		return err
	}
	due, err := s.Due(ctx, s.Now(), l)
	if err != nil {
		return err
	}
	if len(due) == 0 {
		s.Log.Info("nothing to bill", "last", lastLabel(l))
		return s.issue(ctx)
	}
	for _, p := range due {
		if err := ctx.Err(); err != nil {
			return err
		}
		start := s.Now()
		out, err := s.runWithRetry(ctx, p)
		d := s.Now().Sub(start)
		if s.Metrics != nil {
			if merr := s.Metrics.Write(s.StateDir, err); merr != nil {
				s.Log.Warn("metrics file not written", "error", merr)
			}
		}
		if errors.Is(err, state.ErrBilled) {
			s.Log.Info("already billed", "period", p.Label)
			continue
		}
		if err != nil {
			s.Log.Error("billing failed; the next firing tries again", "period", p.Label, "error", err)
			return fmt.Errorf("period %s: %w", p.Label, err)
		}
		s.Log.Info("billed", "period", p.Label, "manifest", out.ManifestDigest, "files", out.FilesRead, "problems", out.Problems, "seconds", d.Seconds())
	}
	return s.issue(ctx)
}

func (s *Scheduler) issue(ctx context.Context) error {
	if s.Issue == nil {
		return nil
	}
	return s.Issue(ctx)
}

func lastLabel(l *state.Ledger) string {
	if e, ok := l.Last(); ok {
		return e.Period
	}
	return ""
}

// runWithRetry retries transient failures with exponential backoff.
func (s *Scheduler) runWithRetry(ctx context.Context, p period.Period) (Outcome, error) {
	wait := s.Backoff
	for attempt := 0; ; attempt++ {
		out, err := s.Run(ctx, p)
		if err == nil || !Transient(err) || attempt >= s.Retries || ctx.Err() != nil {
			return out, err
		}
		s.Log.Warn("transient failure, retrying", "period", p.Label, "attempt", attempt+1, "in", wait, "error", err)
		if err := s.Sleep(ctx, wait); err != nil {
			return out, err
		}
		wait *= 2
	}
}

// Transient reports whether err is worth retrying: the network (rrdcached
// unreachable) or a file missing for a moment (being replaced).
func Transient(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, fs.ErrNotExist)
}

// Loop catches up now, then at every firing, until ctx is done.
func (s *Scheduler) Loop(ctx context.Context) error {
	for {
		if err := s.CatchUp(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if errors.Is(err, state.ErrLocked) {
				// another run (a person's billrun run, say) holds it for
				// minutes, not a month: try again soon
				s.Log.Warn("state directory busy; trying again", "in", BusyRetry, "error", err)
				if err := s.Sleep(ctx, BusyRetry); err != nil {
					return err
				}
				continue
			} else {
				s.Log.Error("catch-up failed", "error", err)
			}
		}
		next := s.Schedule.Next(s.Now().In(s.Location))
		if next.IsZero() {
			return errors.New("schedule never fires")
		}
		s.Log.Info("sleeping until the next firing", "at", next.Format(time.RFC3339), "bills", s.PeriodAt(next).Label)
		if err := s.Sleep(ctx, next.Sub(s.Now())); err != nil {
			return err
		}
	}
}

// RealSleep sleeps for d or until ctx is done.
func RealSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
