package timespec

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// minEpoch: rrdtool reads a number as seconds since the epoch when it is
// larger than ten years of seconds.
const minEpoch = 10 * 365 * 24 * 60 * 60

// offsets reads the OFFSET-SPEC: signed numbers with units, a number
// without a sign repeating the previous one.
func (p *parser) offsets() error {
	if p.sc.tok != tPlus && p.sc.tok != tMinus {
		return nil
	}
	p.sc.words = unitWords
	for p.sc.tok == tPlus || p.sc.tok == tMinus || p.sc.tok == tNumber {
		if err := p.plusMinus(); err != nil {
			return err
		}
		p.sc.next()
	}
	return nil
}

// plusMinus applies one [sign] NUMBER UNIT. rrdtool reads whatever token
// follows the number as its unit, and a token that is no unit means
// seconds and is consumed: "now+17-7mon" is now plus 17 s plus 7 months.
func (p *parser) plusMinus() error {
	if p.sc.tok != tNumber {
		p.op = p.sc.tok
		if p.sc.next() != tNumber {
			return fmt.Errorf("There should be number after '%s'", map[kind]string{tPlus: "+", tMinus: "-"}[p.op])
		}
		p.prevUnit = tEOF
	}
	n, ok := atoi(p.sc.text)
	if !ok || n > math.MaxInt32 {
		return fmt.Errorf("number too large: %s", p.sc.text)
	}
	unit := p.sc.next()
	if unit == tMonthsMinutes {
		unit = guessM(p.prevUnit, n)
	}
	p.prevUnit = unit
	d := n
	if p.op == tMinus {
		d = -n
	}
	secs := map[kind]int64{tHours: 3600, tMinutes: 60}[unit]
	switch unit {
	case tYears:
		p.v.tm.year += int(d)
	case tMonths:
		p.v.tm.mon += int(d)
	case tWeeks:
		p.v.tm.mday += 7 * int(d)
	case tDays:
		p.v.tm.mday += int(d)
	default:
		if secs == 0 {
			secs = 1 // seconds, and any token that is not a unit
		}
		// rrdtool adds in a C int; refuse what would overflow it.
		if n*secs > math.MaxInt32 {
			return fmt.Errorf("offset too large: %d", n)
		}
		p.v.offset += d * secs
	}
	return nil
}

// guessM is rrdtool's reading of "m": months after days, weeks, months or
// years, minutes after seconds, minutes or hours, and otherwise months
// below 6 and minutes from 6 up.
func guessM(prev kind, n int64) kind {
	switch prev {
	case tDays, tWeeks, tMonths, tYears:
		return tMonths
	case tSeconds, tMinutes, tHours:
		return tMinutes
	}
	if n < 6 {
		return tMonths
	}
	return tMinutes
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
	s, err := parse(start, now.Unix(), loc)
	if err != nil {
		return 0, 0, fmt.Errorf("start time: %w", err)
	}
	e, err := parse(end, now.Unix(), loc)
	if err != nil {
		return 0, 0, fmt.Errorf("end time: %w", err)
	}
	switch {
	case s.ref == toEnd && e.ref == toStart:
		return 0, 0, errors.New("the start and end times cannot be specified relative to each other")
	case s.ref == toStart:
		return 0, 0, errors.New("the start time cannot be specified relative to itself")
	case e.ref == toEnd:
		return 0, 0, errors.New("the end time cannot be specified relative to itself")
	}
	if s.ref == toEnd {
		endSec = e.tm.mktime(loc) + e.offset
		return s.from(endSec, loc), endSec, nil
	}
	startSec = s.tm.mktime(loc) + s.offset
	if e.ref == toStart {
		return startSec, e.from(startSec, loc), nil
	}
	return startSec, e.tm.mktime(loc) + e.offset, nil
}

// from resolves a time given relative to the other one: its calendar
// offsets added to the other's wall clock, then its seconds.
func (v value) from(other int64, loc *time.Location) int64 {
	t := localtime(other, loc)
	t.mday += v.tm.mday
	t.mon += v.tm.mon
	t.year += v.tm.year
	return t.mktime(loc) + v.offset
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
