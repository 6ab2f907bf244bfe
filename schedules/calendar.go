package schedules

import (
	"fmt"
	"strconv"
	"strings"
)

// descriptors are the cron shorthands robfig/cron takes, as the five
// fields they stand for.
var descriptors = map[string]string{
	"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
	"@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
}

// weekdays are systemd's names of cron's days of the week (0 and 7 are
// Sunday).
var weekdays = []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// OnCalendar is the systemd calendar event (systemd.time(7)) that fires
// when the 5-field cron spec does, in zone: "*-*-01 03:00:00 Europe/Berlin"
// for "0 3 1 * *". Fields are numbers, *, lists, ranges and steps; a spec
// that restricts both the day of the month and of the week is refused,
// because cron fires on either and systemd only on both.
func OnCalendar(spec, zone string) (string, error) {
	if spec == "" {
		spec = DefaultSpec
	}
	if d, ok := descriptors[spec]; ok {
		spec = d
	}
	f := strings.Fields(spec)
	if len(f) != 5 {
		return "", fmt.Errorf("schedule %q: a systemd timer needs the 5 cron fields", spec)
	}
	if f[2] != "*" && f[4] != "*" {
		return "", fmt.Errorf("schedule %q: cron fires on the day of the month or of the week, systemd only on both: write two schedules", spec)
	}
	var out [5]string
	for i, r := range []struct{ lo, hi int }{{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}} {
		v, err := calendarField(f[i], r.lo, r.hi, i == 4)
		if err != nil {
			return "", fmt.Errorf("schedule %q: field %d: %v", spec, i+1, err)
		}
		out[i] = v
	}
	event := fmt.Sprintf("*-%s-%s %s:%s:00", out[3], out[2], out[1], out[0])
	if out[4] != "*" {
		event = out[4] + " " + event
	}
	return event + " " + zone, nil
}

// calendarField is one cron field as systemd writes it: a list of
// numbers (two digits, or day names), ranges (a..b) and repetitions
// (a/n), each within [lo, hi].
func calendarField(field string, lo, hi int, weekday bool) (string, error) {
	if field == "*" {
		return "*", nil
	}
	var parts []string
	for _, item := range strings.Split(field, ",") {
		base, step, hasStep := strings.Cut(item, "/")
		var n int
		if hasStep {
			var err error
			if n, err = strconv.Atoi(step); err != nil || n < 1 {
				return "", fmt.Errorf("%q: not a step", item)
			}
		}
		from, to, isRange := strings.Cut(base, "-")
		if base == "*" {
			from, to, isRange = strconv.Itoa(lo), strconv.Itoa(hi), hasStep
		}
		a, err := number(from, lo, hi)
		if err != nil {
			return "", err
		}
		b := a
		if isRange {
			if b, err = number(to, a, hi); err != nil {
				return "", err
			}
		}
		name := func(v int) string {
			if weekday {
				return weekdays[v]
			}
			return fmt.Sprintf("%02d", v)
		}
		switch {
		case hasStep && weekday:
			return "", fmt.Errorf("%q: steps of weekdays are not supported", item)
		case hasStep:
			for v := a; v <= b; v += n {
				parts = append(parts, name(v))
			}
		case isRange:
			parts = append(parts, name(a)+".."+name(b))
		default:
			parts = append(parts, name(a))
		}
	}
	return strings.Join(parts, ","), nil
}

// number is s as a number in [lo, hi].
func number(s string, lo, hi int) (int, error) {
	v, err := strconv.Atoi(s)
	if err != nil || v < lo || v > hi {
		return 0, fmt.Errorf("%q is not a number in %d..%d", s, lo, hi)
	}
	return v, nil
}
