package period

import (
	"io/fs"
	"path/filepath"
	"strings"
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

// Days next to a DST change at midnight are labelled by their local date
// and start at its first instant; a date a zone skipped has none.
func TestDaysAtMidnightTransitions(t *testing.T) {
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	d, err := Parse("2018-11-04", sp)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Start.Format(time.RFC3339); got != "2018-11-04T01:00:00-02:00" || d.End.Sub(d.Start) != 23*time.Hour {
		t.Errorf("São Paulo 2018-11-04: from %s, %v", got, d.End.Sub(d.Start))
	}
	apia, _ := time.LoadLocation("Pacific/Apia")
	if d, _ := Parse("2011-12-29", apia); d.End.Sub(d.Start) != 24*time.Hour {
		t.Errorf("Apia 2011-12-29 lasts %v", d.End.Sub(d.Start))
	}
	if _, ok := DayStart(2011, 12, 30, apia); ok {
		t.Error("Apia 2011-12-30 exists")
	}
	if m, _ := Parse("2011-12", apia); m.End.Sub(m.Start) != 30*24*time.Hour {
		t.Errorf("Apia December 2011 lasts %v", m.End.Sub(m.Start))
	}
}

// For every zone of the tz database and every date of 2000-2030 that
// exists in it, DayStart is on that date and is its first instant: the
// second before it is on an earlier date.
func TestDayStartEveryZone(t *testing.T) {
	if testing.Short() {
		t.Skip("every zone")
	}
	zones := zoneNames(t)
	if len(zones) < 300 {
		t.Fatalf("only %d zones found", len(zones))
	}
	checked := 0
	for _, z := range zones {
		loc, err := time.LoadLocation(z)
		if err != nil {
			continue
		}
		// only dates next to a transition can go wrong; walk those
		for tr := time.Date(2000, 1, 1, 0, 0, 0, 0, loc); tr.Year() < 2031; {
			_, end := tr.ZoneBounds()
			if end.IsZero() {
				break
			}
			for _, day := range []time.Time{end.Add(-time.Hour), end, end.Add(time.Hour)} {
				y, m, d := day.Date()
				s, ok := DayStart(y, m, d, loc)
				if !ok {
					t.Fatalf("%s %d-%02d-%02d: a date that has instants has no start", z, y, m, d)
				}
				if sy, sm, sd := s.Date(); sy != y || sm != m || sd != d {
					t.Fatalf("%s %d-%02d-%02d: starts at %s", z, y, m, d, s)
				}
				if py, pm, pd := s.Add(-time.Second).Date(); py == y && pm == m && pd == d {
					t.Fatalf("%s %d-%02d-%02d: %s is not its first instant", z, y, m, d, s)
				}
				checked++
			}
			tr = end
		}
	}
	t.Logf("%d zones, %d days at transitions", len(zones), checked)
}

// zoneNames lists the tz database's zones, from the system's zoneinfo.
func zoneNames(t *testing.T) []string {
	root := "/usr/share/zoneinfo"
	var out []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if first := strings.Split(rel, "/")[0]; first == "posix" || first == "right" || first == "Etc" || !strings.Contains(rel, "/") {
			return nil
		}
		out = append(out, rel)
		return nil
	})
	return out
}

func TestDays(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	oct := Month(2026, 10, berlin) // 25 October is 25 hours long
	if n := oct.Days(); n != 31 {
		t.Errorf("October 2026 has %d days", n)
	}
	half, _ := oct.Clip(time.Date(2026, 10, 15, 0, 0, 0, 0, berlin), time.Time{})
	if n := half.Days(); n != 17 {
		t.Errorf("15-31 October: %d days", n)
	}
	if n := Month(2028, 2, time.UTC).Days(); n != 29 {
		t.Errorf("February 2028: %d days", n)
	}
	if n := Day(2026, 3, 29, berlin).Days(); n != 1 {
		t.Errorf("the 23-hour day: %d days", n)
	}
}
