package period

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Kind is the calendar unit a Period was built from.
type Kind string

const (
	KindMonth  Kind = "month"
	KindWeek   Kind = "week"
	KindDay    Kind = "day"
	KindCustom Kind = "custom"
)

// Period is a half-open billing interval [Start, End).
type Period struct {
	Start, End time.Time
	Kind       Kind
	Label      string // "2026-10", "2026-W43", "2026-10-05", or "START_END" for custom
}

// DayStart is the first instant of the date y-m-d in loc (m and d may be
// out of range, as time.Date takes them). It is midnight, except where a
// zone's clocks skip midnight (America/Sao_Paulo, 2018-11-04: the day
// starts at 01:00), and ok is false for a date the zone skipped whole
// (Pacific/Apia, 2011-12-30). time.Date alone would put a skipped
// midnight on the day before.
func DayStart(y int, m time.Month, d int, loc *time.Location) (t time.Time, ok bool) {
	y, m, d = time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Date()
	t = time.Date(y, m, d, 0, 0, 0, 0, loc)
	same := func(u time.Time) bool { uy, um, ud := u.Date(); return uy == y && um == m && ud == d }
	if same(t) {
		// Where the clocks went back across midnight (Antarctica/Casey,
		// 2019-03-17) the date's midnight happens twice, and time.Date
		// may give the second: the date began in the zone period before.
		for range 4 {
			start, _ := t.ZoneBounds()
			if start.IsZero() || !same(start.Add(-time.Second)) {
				break
			}
			_, off := start.Add(-time.Second).Zone()
			c := time.Date(y, m, d, 0, 0, 0, 0, time.FixedZone("", off)).In(loc)
			if !c.Before(start) || !same(c) {
				t = start // no zone does this since 2000 (TestDayStartEveryZone): the best bound
				break
			}
			t = c
		}
		return t, true
	}
	// midnight was skipped: t is on the day before, in the zone period
	// that ends where the clocks jumped
	_, end := t.ZoneBounds()
	if ey, em, ed := end.Date(); ey == y && em == m && ed == d {
		return end, true
	}
	return time.Time{}, false
}

// dayOrNext is DayStart, or the start of the first date after it that
// exists.
func dayOrNext(y int, m time.Month, d int, loc *time.Location) time.Time {
	for i := 0; ; i++ {
		if t, ok := DayStart(y, m, d+i, loc); ok {
			return t
		}
	}
}

// Month is the calendar month in loc: from the first instant of its first
// day to the first instant of the next month's first day (DST-correct: Go
// normalises a midnight that does not exist to the next valid instant).
func Month(year int, month time.Month, loc *time.Location) Period {
	s := dayOrNext(year, month, 1, loc)
	e := dayOrNext(year, month+1, 1, loc)
	return Period{Start: s, End: e, Kind: KindMonth, Label: s.Format("2006-01")}
}

// Day is the calendar day in loc.
func Day(year int, month time.Month, day int, loc *time.Location) Period {
	s := dayOrNext(year, month, day, loc)
	e := dayOrNext(year, month, day+1, loc)
	return Period{Start: s, End: e, Kind: KindDay, Label: s.Format("2006-01-02")}
}

// ISOWeek is ISO 8601 week w of year y in loc (Monday to Monday).
func ISOWeek(year, week int, loc *time.Location) Period {
	// 4 January is always in week 1.
	jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, loc)
	off := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	s := dayOrNext(year, 1, 4-off+7*(week-1), loc)
	e := dayOrNext(year, 1, 4-off+7*week, loc)
	return Period{Start: s, End: e, Kind: KindWeek, Label: fmt.Sprintf("%04d-W%02d", year, week)}
}

// Custom is [start, end).
func Custom(start, end time.Time) (Period, error) {
	if !end.After(start) {
		return Period{}, fmt.Errorf("period end %s is not after start %s", end.Format(time.RFC3339), start.Format(time.RFC3339))
	}
	return Period{Start: start, End: end, Kind: KindCustom,
		Label: fmt.Sprintf("%d_%d", start.Unix(), end.Unix())}, nil
}

var (
	reMonth = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	reWeek  = regexp.MustCompile(`^(\d{4})-W(\d{2})$`)
	reDay   = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
)

// Parse parses "2026-10" (month), "2026-W43" (ISO week) or
// "2026-10-05" (day) in loc.
func Parse(s string, loc *time.Location) (Period, error) {
	atoi := func(x string) int { n, _ := strconv.Atoi(x); return n }
	if m := reMonth.FindStringSubmatch(s); m != nil {
		mo := atoi(m[2])
		if mo < 1 || mo > 12 {
			return Period{}, fmt.Errorf("period %q: month must be 01 to 12", s)
		}
		return Month(atoi(m[1]), time.Month(mo), loc), nil
	}
	if m := reWeek.FindStringSubmatch(s); m != nil {
		y, w := atoi(m[1]), atoi(m[2])
		// The last ISO week of y is the week of 28 December.
		_, last := time.Date(y, 12, 28, 12, 0, 0, 0, time.UTC).ISOWeek()
		if w < 1 || w > last {
			return Period{}, fmt.Errorf("period %q: %d has ISO weeks 01 to %02d", s, y, last)
		}
		return ISOWeek(y, w, loc), nil
	}
	if m := reDay.FindStringSubmatch(s); m != nil {
		y, mo, d := atoi(m[1]), atoi(m[2]), atoi(m[3])
		t := time.Date(y, time.Month(mo), d, 12, 0, 0, 0, time.UTC)
		if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
			return Period{}, fmt.Errorf("period %q: no such day", s)
		}
		return Day(y, time.Month(mo), d, loc), nil
	}
	return Period{}, fmt.Errorf("period %q: want YYYY-MM, YYYY-Www or YYYY-MM-DD", s)
}

// Next is the period of the same kind that follows p (for custom periods,
// one of equal length).
func (p Period) Next() Period {
	loc := p.Start.Location()
	switch p.Kind {
	case KindMonth:
		return Month(p.Start.Year(), p.Start.Month()+1, loc)
	case KindDay:
		return Day(p.Start.Year(), p.Start.Month(), p.Start.Day()+1, loc)
	case KindWeek:
		y, w := p.Start.AddDate(0, 0, 7).ISOWeek()
		return ISOWeek(y, w, loc)
	}
	q, _ := Custom(p.End, p.End.Add(p.End.Sub(p.Start)))
	return q
}

// Prev is the period of the same kind before p.
func (p Period) Prev() Period {
	loc := p.Start.Location()
	switch p.Kind {
	case KindMonth:
		return Month(p.Start.Year(), p.Start.Month()-1, loc)
	case KindDay:
		return Day(p.Start.Year(), p.Start.Month(), p.Start.Day()-1, loc)
	case KindWeek:
		y, w := p.Start.AddDate(0, 0, -7).ISOWeek()
		return ISOWeek(y, w, loc)
	}
	q, _ := Custom(p.Start.Add(-p.End.Sub(p.Start)), p.Start)
	return q
}

// LastComplete is the most recent complete period of kind k before now in loc.
func LastComplete(k Kind, now time.Time, loc *time.Location) Period {
	n := now.In(loc)
	var cur Period
	switch k {
	case KindWeek:
		y, w := n.ISOWeek()
		cur = ISOWeek(y, w, loc)
	case KindDay:
		cur = Day(n.Year(), n.Month(), n.Day(), loc)
	default:
		cur = Month(n.Year(), n.Month(), loc)
	}
	return cur.Prev()
}

// Ended reports whether p is over at now: only an ended period is billed.
func (p Period) Ended(now time.Time) bool { return !now.Before(p.End) }

// Clip is the part of p from from until until (a zero time: no bound),
// for a VPS active for part of a period; ok is false when nothing is
// left. The label and kind stay p's.
func (p Period) Clip(from, until time.Time) (q Period, ok bool) {
	q = p
	if !from.IsZero() && from.After(q.Start) {
		q.Start = from
	}
	if !until.IsZero() && until.Before(q.End) {
		q.End = until
	}
	return q, q.End.After(q.Start)
}

// Days is the number of calendar days p touches in its zone, a day begun
// counting whole (a 23- or 25-hour day of a DST change is one day): the
// unit a prorated fee is billed in.
func (p Period) Days() int {
	loc := p.Start.Location()
	civil := func(t time.Time) time.Time {
		t = t.In(loc)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	first, last := civil(p.Start), civil(p.End.Add(-time.Nanosecond))
	return int(last.Sub(first).Hours()/24) + 1
}
