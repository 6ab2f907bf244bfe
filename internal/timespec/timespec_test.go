package timespec

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rrdResolve asks the real rrdtool how it resolves start and end: with the
// end before the start, rrdtool fetch refuses before opening the file and
// prints both resolved times ("start (S) should be less than end (E)").
// The message is rrdtool's output otherwise.
func rrdResolve(t *testing.T, tz, start, end string) (s, e int64, ok bool, msg string) {
	cmd := exec.Command("rrdtool", "fetch", "/nonexistent.rrd", "AVERAGE", "-s", start, "-e", end)
	cmd.Env = append(os.Environ(), "TZ="+tz)
	out, _ := cmd.CombinedOutput()
	m := regexp.MustCompile(`start \((-?\d+)\) should be less than end \((-?\d+)\)`).FindSubmatch(out)
	if m == nil {
		return 0, 0, false, string(out)
	}
	s, _ = strconv.ParseInt(string(m[1]), 10, 64)
	e, _ = strconv.ParseInt(string(m[2]), 10, 64)
	return s, e, true, ""
}

func requireRRDtool(t *testing.T) {
	if _, err := exec.LookPath("rrdtool"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("rrdtool is required in CI")
		}
		t.Skip("rrdtool not installed")
	}
}

func TestAgainstRRDtool(t *testing.T) {
	requireRRDtool(t)
	r := rand.New(rand.NewPCG(7, 11))
	units := []string{"s", "sec", "seconds", "min", "minutes", "h", "hours", "hr", "d", "days", "w", "weeks", "wk", "mon", "months", "month", "y", "years", "m", ""}
	offset := func() string {
		s := ""
		for range 1 + r.IntN(3) {
			s += fmt.Sprintf("%s%d%s", []string{"-", "+"}[r.IntN(2)], 1+r.IntN(40), units[r.IntN(len(units))])
		}
		return s
	}
	// Epochs around DST changes in Europe/Berlin and America/New_York.
	epochs := []int64{1711846800, 1711846800 - 3600*5, 1729990800, 1730000000, 1710054000, 1700000000, 1735689600}
	zones := []string{"Europe/Berlin", "America/New_York", "UTC", "Australia/Lord_Howe"}
	compared := 0
	for i := range 300 {
		tz := zones[r.IntN(len(zones))]
		loc, err := time.LoadLocation(tz)
		if err != nil {
			t.Fatal(err)
		}
		ep := epochs[r.IntN(len(epochs))]
		var start, end string
		// Choose forms so that end < start, which makes rrdtool print both.
		switch i % 4 {
		case 0: // absolute start, end relative to start going back
			start = fmt.Sprint(ep) + offset()
			end = "start-" + fmt.Sprint(1+r.IntN(5)) + []string{"mon", "d", "w", "y", "h"}[r.IntN(5)]
		case 1: // absolute end, start relative to end going forward
			end = fmt.Sprint(ep) + offset()
			start = "end+" + fmt.Sprint(1+r.IntN(5)) + []string{"mon", "d", "w", "y", "h", "m"}[r.IntN(6)]
		case 2:
			start = fmt.Sprint(ep)
			end = fmt.Sprint(ep - 1 - r.Int64N(1000))
		case 3: // now-based
			start = "now" + offset()
			end = "start-1"
		}
		now := time.Now()
		ws, we, ok, _ := rrdResolve(t, tz, start, end)
		if !ok {
			// rrdtool accepted the window (offsets made end >= start) or
			// refused the spec: skip only the former.
			if _, _, err := Resolve(start, end, now, loc); err != nil {
				continue
			}
			continue
		}
		gs, ge, err := Resolve(start, end, now, loc)
		if err != nil {
			t.Errorf("TZ=%s -s %q -e %q: rrdtool resolved (%d, %d), we refused: %v", tz, start, end, ws, we, err)
			continue
		}
		tol := int64(0)
		if i%4 == 3 {
			tol = 2 // "now" is read at slightly different instants
		}
		if d := gs - ws; d < -tol || d > tol || ge-gs != we-ws {
			t.Errorf("TZ=%s rrdtool fetch -s %q -e %q: rrdtool (%d, %d), we (%d, %d)", tz, start, end, ws, we, gs, ge)
		}
		compared++
	}
	if compared < 150 {
		t.Fatalf("only %d specs compared", compared)
	}
	t.Logf("%d specs compared with rrdtool", compared)
}

// atSpecs are rrd_parsetime's forms beyond offsets: times of day, dates,
// words, and the quirks rrdtool has with them (each is compared, not
// assumed: "20261110-1d" is refused, "11/10" lands in the year 30000).
var atSpecs = []string{
	"midnight", "noon", "teatime", "noon yesterday", "midnight tomorrow",
	"teatime today", "noon friday", "midnight mon", "noon sunday -1w",
	"20261110", "20261110 12:00", "12:00 20261110", "20261110-1d", "20261110 yesterday",
	"Nov 10 2026", "nov 10 26", "November 10", "Nov 10 12:00", "12:00 Nov 10 2026",
	"Mar 29 2026 02:30", "Oct 25 2026 02:30", "Oct 25 2026 01:59", "02:30 20261025",
	"10.11.2026", "10.11.26", "10.11", "11/10/2026", "11/10/26", "11/10",
	"8am", "8:15pm", "12am", "12pm", "12:30am tomorrow", "23:59", "24:00", "13pm",
	"9:60", "12", "45", "12345", "yesterday", "friday", "now-1d", "n-2h",
	"noon+1h", "noon yesterday-3h", "midnight-1mon", "Jan 31 2026 +1mon",
	"epoch+1000000000", "epoch+1000000000s+1d", "now#whatever", "now 5",
	"now+5fortnights", "noon ", " midnight", "noon_yesterday", "noon,tomorrow",
	"1700000000", "1700000000-1d", "19700101", "Feb 30 2026", "Dec 31 1969",
	"Jan 1 2038", "Feb 29 2100", "noon Jan 1 2027", "4:00pm Jul 4 2026",
	"June 1 2026", "Sep 1 99", "7.7.77", "-1w", "+1h", "e", "start+1d",
}

// parserRefused tells rrdtool's refusals of a specification from its
// refusals of the window (before 1980), which are rrdfetch's to repeat.
func parserRefused(msg string) bool {
	return strings.HasPrefix(msg, "ERROR: start time:") || strings.HasPrefix(msg, "ERROR: end time:") ||
		strings.Contains(msg, "relative to")
}

// TestAtStyleAgainstRRDtool compares each of atSpecs, as the start and as
// the end, in four zones, with what rrdtool fetch makes of it: the same
// second, or a refusal when rrdtool refuses.
func TestAtStyleAgainstRRDtool(t *testing.T) {
	requireRRDtool(t)
	zones := []string{"Europe/Berlin", "America/New_York", "UTC", "Australia/Lord_Howe"}
	compared, refused := 0, 0
	for _, tz := range zones {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			t.Fatal(err)
		}
		for _, spec := range atSpecs {
			for _, pair := range [][2]string{{spec, "start-1"}, {"end+1", spec}} {
				start, end := pair[0], pair[1]
				ws, we, ok, msg := rrdResolve(t, tz, start, end)
				gs, ge, err := Resolve(start, end, time.Now(), loc)
				switch {
				case ok && err != nil:
					t.Errorf("TZ=%s -s %q -e %q: rrdtool resolved (%d, %d), we refused: %v", tz, start, end, ws, we, err)
				case !ok && parserRefused(msg):
					if err == nil {
						t.Errorf("TZ=%s -s %q -e %q: rrdtool refused (%s), we resolved (%d, %d)", tz, start, end, msg, gs, ge)
					}
					refused++
				case ok:
					if d := gs - ws; d < -2 || d > 2 || ge-gs != we-ws {
						t.Errorf("TZ=%s rrdtool fetch -s %q -e %q: rrdtool (%d, %d), we (%d, %d)", tz, start, end, ws, we, gs, ge)
					}
					compared++
				}
			}
		}
	}
	if compared < 4*40 {
		t.Fatalf("only %d resolutions compared (%d refusals)", compared, refused)
	}
	t.Logf("%d resolutions compared with rrdtool, %d refusals shared", compared, refused)
}

func TestDefaultsAndErrors(t *testing.T) {
	now := time.Unix(1761955200, 0)
	s, e, err := Resolve("", "", now, time.UTC)
	if err != nil || e != 1761955200 || s != e-86400 {
		t.Fatalf("defaults: %d %d %v", s, e, err)
	}
	if s, _, _ := Resolve("-3600", "", now, time.UTC); s != 1761955200-3600 {
		t.Errorf("-3600 resolved to %d", s)
	}
	for _, c := range [][2]string{{"end-1d", "start+1d"}, {"start-1d", "now"}, {"now", "end-1"}, {"yesterday", "now"}, {"end", "now"}, {"now-", "now"}, {"12345", "now"}} {
		if _, _, err := Resolve(c[0], c[1], now, time.UTC); err == nil {
			t.Errorf("Resolve(%q, %q) accepted", c[0], c[1])
		}
	}
	for in, want := range map[string]int64{"300": 300, "5m": 300, "5min": 300, "1h": 3600, "2d": 172800, "1w": 604800, "1M": 31 * 86400, "1y": 366 * 86400, "10s": 10} {
		if got, err := ParseResolution(in); err != nil || got != want {
			t.Errorf("ParseResolution(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-5", "5x", "m"} {
		if _, err := ParseResolution(in); err == nil {
			t.Errorf("ParseResolution(%q) accepted", in)
		}
	}
}

func FuzzResolve(f *testing.F) {
	for _, s := range []string{"now-1d", "end-1mon-2h", "start+5m", "1700000000", "-3600", "e-1y"} {
		f.Add(s, "now")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		Resolve(a, b, time.Unix(1761955200, 0), time.UTC)
		ParseResolution(a)
	})
}
