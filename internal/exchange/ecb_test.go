package exchange

import (
	"errors"
	"strings"
	"testing"
)

// ecbSample is the head of eurofxref-hist.csv as the ECB writes it:
// newest first, a trailing comma, N/A where a currency had no rate.
const ecbSample = `Date,USD,JPY,BGN,CYP,CZK,PLN,RUB,
2026-10-30,1.0523,161.25,1.9558,N/A,24.321,4.2615,N/A,
2026-10-29,1.0511,160.90,1.9558,N/A,24.330,4.2650,N/A,
2026-10-26,1.0498,160.10,1.9558,N/A,24.350,4.2700,N/A,
2026-10-01,1.0600,158.00,1.9558,N/A,24.400,4.2800,N/A,
2022-02-28,1.1240,129.77,1.9558,N/A,24.650,4.6909,117.2010,
`

// A day's rate is the ECB's on that day, or its latest business day before
// it within a week (a weekend), as long as the file reaches the day; two
// currencies other than the euro are crossed through it. A currency the
// ECB stopped quoting has no rate, and a file that ends before the day is
// stale: both errors name the currency and the day.
func TestRateAt(t *testing.T) {
	r, err := Parse([]byte(ecbSample), "eurofxref-hist.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ home, cur, day, units, rateDay string }{
		{"EUR", "USD", "2026-10-30", "1.0523", "2026-10-30"},
		{"EUR", "USD", "2026-10-28", "1.0498", "2026-10-26"}, // no rate on the 27th and 28th: the 26th's
		{"EUR", "JPY", "2026-10-29", "160.9", "2026-10-29"},
		{"PLN", "USD", "2026-10-30", "0.246932", "2026-10-30"}, // 1.0523 / 4.2615
		{"EUR", "EUR", "2026-10-30", "1", "2026-10-30"},
	} {
		got, err := r.At(c.home, c.cur, c.day)
		if err != nil || got.Units.String() != c.units || got.Day != c.rateDay {
			t.Errorf("At(%s, %s, %s) = %s on %s, %v; want %s on %s", c.home, c.cur, c.day, got.Units, got.Day, err, c.units, c.rateDay)
		}
	}
	for _, c := range []struct{ cur, day, want string }{
		{"USD", "2026-10-31", "no ECB rate for USD on 2026-10-31: exchange_rates ends on 2026-10-30 (update it)"},
		{"RUB", "2026-10-30", "no ECB rate for RUB on or before 2026-10-30"},
		{"USD", "2026-10-20", "no ECB rate for USD on or before 2026-10-20"}, // the 1st is more than a week before
		{"XYZ", "2026-10-30", "no ECB rate for XYZ"},
	} {
		_, err := r.At("EUR", c.cur, c.day)
		var m *MissingError
		if !errors.As(err, &m) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("At(EUR, %s, %s): %v, want %q", c.cur, c.day, err, c.want)
		}
	}
}

// What is not the ECB's CSV is refused with the line it failed on.
func TestParseRefuses(t *testing.T) {
	for _, c := range []struct{ csv, want string }{
		{"", "line 1: no header: empty"},
		{"When,USD\n", "line 1: header"},
		{"Date,USD\n2026-13-01,1.05\n", "line 2: date"},
		{"Date,USD\n2026-10-30,abc\n", "line 2: USD rate"},
		{"Date,USD\n2026-10-30,-1\n", "line 2: USD rate"},
		{"Date,USD\n2026-10-30,\"1.05\n", "line 2"},
	} {
		_, err := Parse([]byte(c.csv), "x.csv")
		var f *FormatError
		if !errors.As(err, &f) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "x.csv") {
			t.Errorf("Parse(%q): %v, want %q", c.csv, err, c.want)
		}
	}
}
