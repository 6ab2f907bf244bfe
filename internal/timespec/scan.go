package timespec

import "strings"

// kind is a token's class, as rrd_parsetime's scanner tells them apart.
type kind int

const (
	tEOF kind = iota
	tNumber
	tPlus
	tMinus
	tDot
	tColon
	tSlash
	tID // a word that means nothing here
	tMidnight
	tNoon
	tTeatime
	tAM
	tPM
	tYesterday
	tToday
	tTomorrow
	tNow
	tStart
	tEnd
	tEpoch
	tJan // tJan … tJan+11: the months, in order
	_
	_
	_
	_
	_
	_
	_
	_
	_
	_
	_
	tSun // tSun … tSun+6: the days of the week, Sunday first
	_
	_
	_
	_
	_
	_
	tSeconds
	tMinutes
	tHours
	tDays
	tWeeks
	tMonths
	tYears
	tMonthsMinutes // "m": months or minutes, guessed from the context
)

// referenceWords are the words of the time reference part; unitWords
// those of the offsets that follow it, where "mon" is a month, not Monday.
var referenceWords = map[string]kind{
	"midnight": tMidnight, "noon": tNoon, "teatime": tTeatime,
	"am": tAM, "pm": tPM,
	"yesterday": tYesterday, "today": tToday, "tomorrow": tTomorrow,
	"now": tNow, "n": tNow, "start": tStart, "s": tStart, "end": tEnd, "e": tEnd,
	"epoch": tEpoch,
	"jan":   tJan, "january": tJan, "feb": tJan + 1, "february": tJan + 1,
	"mar": tJan + 2, "march": tJan + 2, "apr": tJan + 3, "april": tJan + 3,
	"may": tJan + 4, "jun": tJan + 5, "june": tJan + 5, "jul": tJan + 6,
	"july": tJan + 6, "aug": tJan + 7, "august": tJan + 7,
	"sep": tJan + 8, "september": tJan + 8, "oct": tJan + 9, "october": tJan + 9,
	"nov": tJan + 10, "november": tJan + 10, "dec": tJan + 11, "december": tJan + 11,
	"sun": tSun, "sunday": tSun, "mon": tSun + 1, "monday": tSun + 1,
	"tue": tSun + 2, "tuesday": tSun + 2, "wed": tSun + 3, "wednesday": tSun + 3,
	"thu": tSun + 4, "thursday": tSun + 4, "fri": tSun + 5, "friday": tSun + 5,
	"sat": tSun + 6, "saturday": tSun + 6,
}

var unitWords = map[string]kind{
	"s": tSeconds, "sec": tSeconds, "second": tSeconds, "seconds": tSeconds,
	"min": tMinutes, "minute": tMinutes, "minutes": tMinutes, "m": tMonthsMinutes,
	"h": tHours, "hr": tHours, "hour": tHours, "hours": tHours,
	"d": tDays, "day": tDays, "days": tDays,
	"w": tWeeks, "wk": tWeeks, "week": tWeeks, "weeks": tWeeks,
	"mon": tMonths, "month": tMonths, "months": tMonths,
	"y": tYears, "yr": tYears, "year": tYears, "years": tYears,
}

// scanner splits a spec into tokens. Blanks, '_' and ',' separate tokens;
// any other character ends the input, as it does for rrdtool ("now#1" is
// "now").
type scanner struct {
	in    string
	pos   int
	words map[string]kind
	tok   kind
	text  string
}

// mark is a scanner position to go back to.
type mark struct {
	pos  int
	tok  kind
	text string
}

func (sc *scanner) save() mark     { return mark{sc.pos, sc.tok, sc.text} }
func (sc *scanner) restore(m mark) { sc.pos, sc.tok, sc.text = m.pos, m.tok, m.text }

// rest is the unread input, for error messages.
func (sc *scanner) rest() string { return sc.in[sc.pos:] }

func (sc *scanner) next() kind {
	for sc.pos < len(sc.in) && strings.IndexByte(" \t\n\v\f\r_,", sc.in[sc.pos]) >= 0 {
		sc.pos++
	}
	if sc.pos == len(sc.in) {
		sc.tok, sc.text = tEOF, ""
		return sc.tok
	}
	start := sc.pos
	c := sc.in[sc.pos]
	switch {
	case isDigit(c):
		for sc.pos < len(sc.in) && isDigit(sc.in[sc.pos]) {
			sc.pos++
		}
		sc.tok = tNumber
	case isLetter(c):
		for sc.pos < len(sc.in) && isLetter(sc.in[sc.pos]) {
			sc.pos++
		}
		w, ok := sc.words[strings.ToLower(sc.in[start:sc.pos])]
		if !ok {
			w = tID
		}
		sc.tok = w
	default:
		sc.tok = map[byte]kind{':': tColon, '.': tDot, '+': tPlus, '-': tMinus, '/': tSlash}[c]
		if sc.tok != tEOF {
			sc.pos++
		}
		// rrdtool keeps an unknown character as the (EOF) token's text.
		sc.text = string(c)
		return sc.tok
	}
	sc.text = sc.in[start:sc.pos]
	return sc.tok
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// atoi reads the leading digits of s as C's atol does: 0 when there are
// none. ok is false when they overflow an int64.
func atoi(s string) (n int64, ok bool) {
	for i := 0; i < len(s) && isDigit(s[i]); i++ {
		if n > (1<<63-1-9)/10 {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n, true
}
