package timespec

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

type base int

const (
	baseNow   base = iota // now, or a bare offset
	baseEpoch             // epoch seconds given as a number
	baseStart             // start±offset
	baseEnd               // end±offset
)

// spec is one parsed time: a reference plus calendar and second offsets.
type spec struct {
	base              base
	epoch             int64
	years, mons, days int
	secs              int64
}

// minEpochDigits: rrdtool reads a number as seconds since the epoch when it
// is large enough to be a plausible timestamp; shorter numbers are times
// of day or dates there, which billrun does not accept.
const minEpoch = 10 * 365 * 24 * 60 * 60

func parse(s string) (spec, error) {
	var sp spec
	in := strings.TrimSpace(strings.ToLower(s))
	rest := in
	switch {
	case rest == "":
		return sp, errors.New("empty time")
	case strings.HasPrefix(rest, "now"):
		rest = rest[3:]
	case strings.HasPrefix(rest, "start"):
		sp.base, rest = baseStart, rest[5:]
	case strings.HasPrefix(rest, "end"):
		sp.base, rest = baseEnd, rest[3:]
	case rest[0] == 's' && (len(rest) == 1 || rest[1] == '+' || rest[1] == '-'):
		sp.base, rest = baseStart, rest[1:]
	case rest[0] == 'e' && (len(rest) == 1 || rest[1] == '+' || rest[1] == '-'):
		sp.base, rest = baseEnd, rest[1:]
	case rest[0] == '+' || rest[0] == '-':
		// a bare offset: relative to now
	case rest[0] >= '0' && rest[0] <= '9':
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil || n < minEpoch {
			return sp, fmt.Errorf("unparsable time: %s (want epoch seconds, now, start or end with ±offsets)", s)
		}
		sp.base, sp.epoch, rest = baseEpoch, n, rest[i:]
	default:
		return sp, fmt.Errorf("unparsable time: %s", s)
	}
	if (sp.base == baseStart || sp.base == baseEnd) && rest == "" {
		return sp, errors.New("'start' or 'end' MUST be followed by +|- offset")
	}
	if err := sp.offsets(rest, s); err != nil {
		return sp, err
	}
	return sp, nil
}

// offsets parses "[+-]N[unit]…"; a number without a sign repeats the
// previous sign, and so does one after a unitless number (see below).
func (sp *spec) offsets(rest, orig string) error {
	sign := 0
	prevUnit := ""
	for rest != "" {
		switch rest[0] {
		case '+':
			sign, prevUnit, rest = 1, "", rest[1:]
		case '-':
			sign, prevUnit, rest = -1, "", rest[1:]
		}
		if sign == 0 {
			return fmt.Errorf("unparsable trailing text: '...%s'", rest)
		}
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 {
			return fmt.Errorf("there should be a number after '%c' in %q", "-+"[(sign+1)/2], orig)
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n > 1<<31-1 {
			return fmt.Errorf("number too large in %q", orig)
		}
		rest = rest[i:]
		j := 0
		for j < len(rest) && rest[j] >= 'a' && rest[j] <= 'z' {
			j++
		}
		word := rest[:j]
		rest = rest[j:]
		unit, ok := units[word]
		if !ok {
			return fmt.Errorf("well-known time unit expected after %d, got %q", n, word)
		}
		if word == "" && rest != "" && (rest[0] == '+' || rest[0] == '-') {
			// rrdtool reads the token after a unitless number as its
			// unit; a sign there is swallowed and the next number keeps
			// the previous sign ("+17-7mon" is 17 s plus 7 months).
			rest = rest[1:]
			sp.secs += int64(sign * n)
			prevUnit = ""
			continue
		}
		if unit == "m" { // rrdtool's months-or-minutes guess
			switch prevUnit {
			case "d", "w", "mon", "y":
				unit = "mon"
			case "s", "min", "h":
				unit = "min"
			default:
				if n < 6 {
					unit = "mon"
				} else {
					unit = "min"
				}
			}
		}
		prevUnit = unit
		d := sign * n
		switch unit {
		case "y":
			sp.years += d
		case "mon":
			sp.mons += d
		case "w":
			sp.days += 7 * d
		case "d":
			sp.days += d
		case "h":
			sp.secs += int64(d) * 3600
		case "min":
			sp.secs += int64(d) * 60
		default:
			sp.secs += int64(d)
		}
	}
	return nil
}

var units = map[string]string{
	"": "s", "s": "s", "sec": "s", "second": "s", "seconds": "s",
	"min": "min", "minute": "min", "minutes": "min", "m": "m",
	"h": "h", "hr": "h", "hour": "h", "hours": "h",
	"d": "d", "day": "d", "days": "d",
	"w": "w", "wk": "w", "week": "w", "weeks": "w",
	"mon": "mon", "month": "mon", "months": "mon",
	"y": "y", "yr": "y", "year": "y", "years": "y",
}

// calendar adds years, months and days to the wall clock of ref in loc and
// converts back like mktime: keepDST makes the result use ref's UTC offset
// when the plain conversion lands in the other DST regime (what glibc does
// with a tm_isdst copied from ref); otherwise the zone decides.
func calendar(ref time.Time, years, mons, days int, keepDST bool) time.Time {
	t := time.Date(ref.Year()+years, ref.Month()+time.Month(mons), ref.Day()+days,
		ref.Hour(), ref.Minute(), ref.Second(), 0, ref.Location())
	if keepDST && t.IsDST() != ref.IsDST() {
		_, off := ref.Zone()
		t = time.Date(ref.Year()+years, ref.Month()+time.Month(mons), ref.Day()+days,
			ref.Hour(), ref.Minute(), ref.Second(), 0, time.FixedZone("", off))
	}
	return t
}

// absolute resolves a spec that does not refer to the other time.
func (sp spec) absolute(now time.Time, loc *time.Location) int64 {
	switch sp.base {
	case baseEpoch:
		ref := time.Unix(sp.epoch, 0).In(loc)
		return calendar(ref, sp.years, sp.mons, sp.days, true).Unix() + sp.secs
	default:
		ref := now.In(loc).Truncate(time.Second)
		return calendar(ref, sp.years, sp.mons, sp.days, false).Unix() + sp.secs
	}
}

// relative resolves a spec against the other time (already resolved).
func (sp spec) relative(other int64, loc *time.Location) int64 {
	ref := time.Unix(other, 0).In(loc)
	return calendar(ref, sp.years, sp.mons, sp.days, true).Unix() + sp.secs
}

// Resolve parses --start and --end as rrdtool fetch does ("" means the
// default: end "now", start "end-24h") and resolves them against each
// other as rrd_proc_start_end does.
func Resolve(start, end string, now time.Time, loc *time.Location) (startSec, endSec int64, err error) {
	if start == "" {
		start = "end-24h"
	}
	if end == "" {
		end = "now"
	}
	s, err := parse(start)
	if err != nil {
		return 0, 0, fmt.Errorf("start time: %w", err)
	}
	e, err := parse(end)
	if err != nil {
		return 0, 0, fmt.Errorf("end time: %w", err)
	}
	switch {
	case s.base == baseEnd && e.base == baseStart:
		return 0, 0, errors.New("the start and end times cannot be specified relative to each other")
	case s.base == baseStart:
		return 0, 0, errors.New("the start time cannot be specified relative to itself")
	case e.base == baseEnd:
		return 0, 0, errors.New("the end time cannot be specified relative to itself")
	}
	if s.base == baseEnd {
		endSec = e.absolute(now, loc)
		return s.relative(endSec, loc), endSec, nil
	}
	startSec = s.absolute(now, loc)
	if e.base == baseStart {
		return startSec, e.relative(startSec, loc), nil
	}
	return startSec, e.absolute(now, loc), nil
}

// ParseResolution parses --resolution as rrd_scaled_duration does: a
// positive number, optionally followed by a unit whose first letter counts
// (s, m minutes, h, d, w, M 31 days, y 366 days).
func ParseResolution(s string) (int64, error) {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, errors.New("value must be (suffixed) positive number")
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	v, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil || v > 1<<40 {
		return 0, errors.New("value too large")
	}
	if i < len(s) {
		switch s[i] {
		case 's':
		case 'm':
			v *= 60
		case 'h':
			v *= 3600
		case 'd':
			v *= 86400
		case 'w':
			v *= 7 * 86400
		case 'M':
			v *= 31 * 86400
		case 'y':
			v *= 366 * 86400
		default:
			return 0, errors.New("value has trailing garbage")
		}
	}
	if v == 0 {
		return 0, errors.New("value must be positive")
	}
	return v, nil
}
