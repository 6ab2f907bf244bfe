package period

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		in         string
		loc        *time.Location
		start, end string
		hours      float64
	}{
		{"2026-10", berlin, "2026-10-01T00:00:00+02:00", "2026-11-01T00:00:00+01:00", 31*24 + 1}, // DST ends
		{"2026-03", berlin, "2026-03-01T00:00:00+01:00", "2026-04-01T00:00:00+02:00", 31*24 - 1}, // DST starts
		{"2026-W01", time.UTC, "2025-12-29T00:00:00Z", "2026-01-05T00:00:00Z", 7 * 24},
		{"2026-W53", time.UTC, "2026-12-28T00:00:00Z", "2027-01-04T00:00:00Z", 7 * 24},
		{"2024-02-29", time.UTC, "2024-02-29T00:00:00Z", "2024-03-01T00:00:00Z", 24},
	} {
		p, err := Parse(c.in, c.loc)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if got := p.Start.Format(time.RFC3339); got != c.start {
			t.Errorf("%s: start %s, want %s", c.in, got, c.start)
		}
		if got := p.End.Format(time.RFC3339); got != c.end {
			t.Errorf("%s: end %s, want %s", c.in, got, c.end)
		}
		if h := p.End.Sub(p.Start).Hours(); h != c.hours {
			t.Errorf("%s: %v hours, want %v", c.in, h, c.hours)
		}
		if p.Label != c.in {
			t.Errorf("%s: label %q", c.in, p.Label)
		}
		if n := p.Next().Prev(); !n.Start.Equal(p.Start) || !n.End.Equal(p.End) || n.Label != p.Label {
			t.Errorf("%s: Next().Prev() is %s", c.in, n.Label)
		}
		if q := p.Next(); !q.Start.Equal(p.End) {
			t.Errorf("%s: Next starts %s, not at the end %s", c.in, q.Start, p.End)
		}
	}
	for _, bad := range []string{"2026-13", "2026-00", "2025-W53", "2026-W00", "2026-02-30", "2026/10", "", "2026-1"} {
		if _, err := Parse(bad, time.UTC); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestLastCompleteAndEnded(t *testing.T) {
	now := time.Date(2027, 1, 2, 10, 0, 0, 0, time.UTC)
	if got := LastComplete(KindMonth, now, time.UTC).Label; got != "2026-12" {
		t.Errorf("last complete month on 2027-01-02: %s", got)
	}
	if got := LastComplete(KindWeek, now, time.UTC).Label; got != "2026-W52" {
		t.Errorf("last complete week on 2027-01-02 (a Saturday of W53): %s", got)
	}
	w53, _ := Parse("2026-W53", time.UTC)
	if w53.Ended(now) {
		t.Error("2026-W53 has not ended on 2027-01-02")
	}
	if !w53.Ended(w53.End) || w53.Ended(w53.End.Add(-time.Nanosecond)) {
		t.Error("a period ends at its End, not before")
	}
}
