package timespec

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// tm is C's struct tm as rrd_parsetime fills it: years since 1900, months
// from 0, and fields free to leave their ranges until mktime normalizes.
type tm struct {
	year, mon, mday, hour, min, sec, wday int
	isdst                                 int // -1: the zone decides; 0 or 1: keep the regime whose UTC offset is off
	off                                   int
}

func localtime(sec int64, loc *time.Location) tm {
	t := time.Unix(sec, 0).In(loc)
	_, off := t.Zone()
	dst := 0
	if t.IsDST() {
		dst = 1
	}
	return tm{year: t.Year() - 1900, mon: int(t.Month()) - 1, mday: t.Day(),
		hour: t.Hour(), min: t.Minute(), sec: t.Second(), wday: int(t.Weekday()),
		isdst: dst, off: off}
}

// mktime converts like glibc's: with isdst set, a wall-clock time that
// falls in the other DST regime keeps the offset it was computed from.
func (x tm) mktime(loc *time.Location) int64 {
	date := func(loc *time.Location) time.Time {
		return time.Date(1900+x.year, time.Month(x.mon+1), x.mday, x.hour, x.min, x.sec, 0, loc)
	}
	t := date(loc)
	if x.isdst >= 0 && t.IsDST() != (x.isdst > 0) {
		t = date(time.FixedZone("", x.off))
	}
	return t.Unix()
}

// reference says what a parsed time is relative to.
type reference int

const (
	absolute reference = iota // now, a date, epoch seconds, or "epoch"
	toStart                   // start±offset
	toEnd                     // end±offset
)

// value is a parsed time: a reference, the calendar fields (a wall-clock
// time, or calendar offsets for toStart and toEnd) and seconds to add.
type value struct {
	ref    reference
	tm     tm
	offset int64
}

// parser holds rrd_parsetime's state for one specification.
type parser struct {
	sc       scanner
	loc      *time.Location
	v        value
	op       kind // the sign that a number without one repeats
	prevUnit kind // the unit before, for guessing what "m" means
}

// parse reads one time specification the way rrd_parsetime does, with now
// and loc standing for time(NULL) and the TZ.
func parse(spec string, now int64, loc *time.Location) (value, error) {
	p := parser{sc: scanner{in: spec, words: referenceWords}, loc: loc}
	p.v.tm = localtime(now, loc)
	p.v.tm.isdst = -1
	if err := p.reference(); err != nil {
		return value{}, err
	}
	if err := p.offsets(); err != nil {
		return value{}, err
	}
	if p.sc.tok != tEOF {
		return value{}, fmt.Errorf("unparsable trailing text: '...%s%s'", p.sc.text, p.sc.rest())
	}
	if y := p.v.tm.year; y < -1900 || y > 1<<31-1 {
		return value{}, errors.New("the specified time is incorrect (out of range?)")
	}
	return p.v, nil
}

// reference reads the time reference: now, start, end, epoch, a time of
// day and/or a date, or nothing before an offset (which means now).
func (p *parser) reference() error {
	switch tok := p.sc.next(); {
	case tok == tPlus || tok == tMinus:
		return nil
	case tok == tEpoch || tok == tStart || tok == tEnd:
		p.v.ref = map[kind]reference{tEpoch: absolute, tStart: toStart, tEnd: toEnd}[tok]
		p.v.tm = tm{wday: p.v.tm.wday, isdst: -1}
		if next := p.sc.next(); next != tPlus && next != tMinus {
			return errors.New("'start' or 'end' MUST be followed by +|- offset")
		}
		return nil
	case tok == tNow:
		if next := p.sc.next(); next != tPlus && next != tMinus && next != tEOF {
			return errors.New("if 'now' is followed by a token it must be +|- offset")
		}
		return nil
	case tok == tNumber:
		return p.numberFirst()
	case tok >= tJan && tok < tJan+12:
		if err := p.day(); err != nil || p.sc.tok != tNumber {
			return err
		}
		return p.timeOfDay()
	case tok == tMidnight || tok == tNoon || tok == tTeatime:
		p.v.tm.hour = map[kind]int{tMidnight: 0, tNoon: 12, tTeatime: 16}[tok]
		p.v.tm.min, p.v.tm.sec = 0, 0
		p.sc.next()
		return p.day()
	}
	return fmt.Errorf("unparsable time: %s%s", p.sc.text, p.sc.rest())
}

// numberFirst reads a reference that begins with a number: a time of day
// and a date in either order. Like rrdtool, it marks the hour and year
// unset with impossible values to learn which of the two it found.
func (p *parser) numberFirst() error {
	hour, year := p.v.tm.hour, p.v.tm.year
	p.v.tm.hour, p.v.tm.year = 30, 30000
	if err := p.timeOfDay(); err != nil {
		return err
	}
	if err := p.day(); err != nil {
		return err
	}
	if p.v.tm.hour == 30 && p.v.tm.year != 30000 {
		if err := p.timeOfDay(); err != nil {
			return err
		}
	}
	if p.v.tm.hour == 30 {
		p.v.tm.hour = hour
	}
	if p.v.tm.year == 30000 {
		p.v.tm.year = year
	}
	return nil
}

// timeOfDay reads HH[:MM][am|pm] from the current token, or leaves the
// scanner where it was when the number turns out to start a date. Like
// rrdtool's tod(), it reads the current token's text whatever its kind.
func (p *parser) timeOfDay() error {
	if len(p.sc.text) > 2 {
		return nil
	}
	h, _ := atoi(p.sc.text)
	hour, minute := int(h), 0
	back := p.sc.save()
	back.text = strconv.Itoa(hour)
	switch p.sc.next() {
	case tSlash, tDot:
		p.sc.restore(back)
		return nil
	case tColon:
		if p.sc.next() != tNumber {
			return errors.New("Parsing HH:MM syntax, expecting MM as number, got none")
		}
		if m, _ := atoi(p.sc.text); m > 59 {
			return fmt.Errorf("parsing HH:MM syntax, got MM = %d (>59!)", m)
		} else {
			minute = int(m)
		}
		p.sc.next()
	}
	switch p.sc.tok {
	case tAM, tPM:
		if hour > 12 {
			return errors.New("there cannot be more than 12 AM or PM hours")
		}
		if p.sc.tok == tPM && hour != 12 {
			hour += 12
		} else if p.sc.tok == tAM && hour == 12 {
			hour = 0
		}
		p.sc.next()
	default:
		if hour > 23 {
			p.sc.restore(back)
			return nil
		}
	}
	p.v.tm.hour, p.v.tm.min, p.v.tm.sec = hour, minute, 0
	return nil
}

// day reads a day: yesterday, today, tomorrow, a day of this week, a month
// name with its day and year, or a numeric date.
func (p *parser) day() error {
	switch tok := p.sc.tok; {
	case tok == tYesterday || tok == tToday || tok == tTomorrow:
		p.v.tm.mday += map[kind]int{tYesterday: -1, tToday: 0, tTomorrow: 1}[tok]
		p.sc.next()
	case tok >= tSun && tok < tSun+7:
		p.v.tm.mday += int(tok-tSun) - p.v.tm.wday
		p.sc.next()
	case tok >= tJan && tok < tJan+12:
		if p.sc.next() != tNumber {
			return errors.New("the day of the month should follow month name")
		}
		mday, _ := atoi(p.sc.text)
		year := int64(p.v.tm.year)
		if p.sc.next() == tNumber {
			year, _ = atoi(p.sc.text)
			p.sc.next()
		}
		return p.assignDate(mday, int64(tok-tJan), year)
	case tok == tNumber:
		return p.numericDate()
	}
	return nil
}

// numericDate reads epoch seconds, YYYYMMDD, MM/DD[/[YY]YY] or
// DD.MM[.[YY]YY].
func (p *parser) numericDate() error {
	var mday int64
	year := int64(p.v.tm.year)
	text := p.sc.text
	mon, ok := atoi(text)
	switch {
	case !ok:
		return fmt.Errorf("number too large: %s", text)
	case mon > minEpoch:
		p.v.tm = localtime(mon, p.loc)
		p.sc.next()
		return nil
	case mon > 19700101 && mon < 24000101:
		year, _ = atoi(text[:4])
		mon, _ = atoi(text[4:6])
		mday, _ = atoi(text[6:8])
		p.sc.next()
	default:
		if sep := p.sc.next(); mon <= 31 && (sep == tSlash || sep == tDot) {
			if p.sc.next() != tNumber {
				return fmt.Errorf("there should be %s number after '%s'",
					map[kind]string{tDot: "month", tSlash: "day"}[sep], map[kind]string{tDot: ".", tSlash: "/"}[sep])
			}
			mday, _ = atoi(p.sc.text)
			if p.sc.next() == sep {
				if p.sc.next() != tNumber {
					return fmt.Errorf("there should be year number after '%s'", map[kind]string{tDot: ".", tSlash: "/"}[sep])
				}
				year, _ = atoi(p.sc.text)
				p.sc.next()
			}
			if sep == tDot {
				mon, mday = mday, mon
			}
		}
	}
	mon--
	if mon < 0 || mon > 11 {
		return fmt.Errorf("did you really mean month %d?", mon+1)
	}
	if mday < 1 || mday > 31 {
		return fmt.Errorf("I'm afraid that %d is not a valid day of the month", mday)
	}
	return p.assignDate(mday, mon, year)
}

// assignDate sets the date, reading two-digit years as rrdtool does:
// 00–37 are 2000–2037, 70–99 are 1970–1999, and a year above 1970 is
// itself.
func (p *parser) assignDate(mday, mon, year int64) error {
	switch {
	case year > 138 && year > 1970:
		year -= 1900
	case year > 138:
		return fmt.Errorf("invalid year %d (should be either 00-99 or >1900)", year)
	case year >= 0 && year < 38:
		year += 100
	}
	if year < 70 {
		return errors.New("won't handle dates before epoch (01/01/1970), sorry")
	}
	if year > math.MaxInt32 || mday > math.MaxInt32 {
		return errors.New("the specified time is incorrect (out of range?)")
	}
	p.v.tm.mday, p.v.tm.mon, p.v.tm.year = int(mday), int(mon), int(year)
	return nil
}
