package schedules

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// OnCalendar fires when the cron spec does: for each spec and zone, the
// next firings systemd-analyze calendar computes for the event equal
// robfig/cron's, from a base in December (and one across a DST change).
func TestOnCalendarIsSystemds(t *testing.T) {
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("systemd-analyze (Debian's systemd) is required in CI")
		}
		t.Skip("systemd-analyze not installed")
	}
	specs := []string{"0 3 1 * *", "", "@monthly", "30 2 * * 1-5", "*/15 8-18 * * *", "0 0 1,15 * *", "5 4 * 1,7 *",
		"0 6 * * 0", "0 6 * * 5-6", "30 2 * * *", "0 12 28-31 * *", "0 */6 1 * *", "@daily", "@hourly", "@weekly", "@yearly", "10 1-23/4 * * *"}
	zones := []string{"Europe/Berlin", "Asia/Tokyo", "America/New_York", "UTC"}
	bases := []time.Time{time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), time.Date(2027, 3, 20, 0, 0, 0, 0, time.UTC)}
	elapse := regexp.MustCompile(`(?m)(?:Next elapse|Iter\. #\d+): \w+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC`)
	const n = 6
	for _, spec := range specs {
		for _, zone := range zones {
			event, err := OnCalendar(spec, zone)
			if err != nil {
				t.Errorf("%q in %s: %v", spec, zone, err)
				continue
			}
			sch, err := ParseSpec(spec)
			if err != nil {
				t.Fatal(err)
			}
			loc, _ := time.LoadLocation(zone)
			for _, base := range bases {
				cmd := exec.Command("systemd-analyze", "calendar", "--iterations="+strconv.Itoa(n), "--base-time=@"+strconv.FormatInt(base.Unix(), 10), event)
				cmd.Env = append(os.Environ(), "TZ=UTC", "SYSTEMD_COLORS=0")
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("systemd-analyze calendar %q: %v\n%s", event, err, out)
				}
				var got []string
				for _, m := range elapse.FindAllStringSubmatch(string(out), -1) {
					got = append(got, m[1])
				}
				var want []string
				for t := base.In(loc); len(want) < n; {
					t = sch.Next(t)
					want = append(want, t.UTC().Format("2006-01-02 15:04:05"))
				}
				if strings.Join(got, ",") != strings.Join(want, ",") {
					t.Errorf("%q in %s as %q from %s:\nsystemd %v\ncron    %v", spec, zone, event, base, got, want)
				}
			}
		}
	}
}

// A spec systemd cannot say as one event is refused, not mistranslated.
func TestOnCalendarRefuses(t *testing.T) {
	for _, spec := range []string{"0 3 1 * 1", "0 3 * * */2", "61 * * * *", "0 3 1 *", "@every 1h"} {
		if e, err := OnCalendar(spec, "UTC"); err == nil {
			t.Errorf("%q: %q, want an error", spec, e)
		}
	}
}
