package exchange

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// MaxBytes bounds the CSV read: the ECB's whole history since 1999 is
// about 2 MB.
const MaxBytes = 32 << 20

// maxCurrencies bounds the columns kept (the ECB quotes some 40).
const maxCurrencies = 256

// Rates are the ECB's reference rates: for each day it published, each
// currency's units per euro.
type Rates struct {
	days  []string                     // YYYY-MM-DD, ascending
	quote map[string][]decimal.Decimal // by currency, by day; zero: none that day
}

// FormatError is a CSV that is not the ECB's, with the line it failed on.
type FormatError struct {
	Name string
	Line int
	Msg  string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("%s: line %d: %s (want the ECB's eurofxref-hist.csv)", e.Name, e.Line, e.Msg)
}

// Parse reads b, the ECB's CSV named name: a header "Date,USD,JPY,…" and
// a row per business day, newest first as the ECB writes it (any order
// is taken), "N/A" or nothing where a currency had no rate.
func Parse(b []byte, name string) (*Rates, error) {
	if len(b) > MaxBytes {
		return nil, &FormatError{name, 0, fmt.Sprintf("%d bytes, more than %d", len(b), MaxBytes)}
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	head, err := r.Read()
	if err != nil {
		return nil, &FormatError{name, 1, "no header: " + errString(err)}
	}
	if len(head) < 2 || strings.TrimPrefix(head[0], "\ufeff") != "Date" || len(head) > maxCurrencies+2 {
		return nil, &FormatError{name, 1, fmt.Sprintf("header %.60q", strings.Join(head, ","))}
	}
	cols := make([]string, len(head)-1)
	for i, h := range head[1:] {
		cols[i] = strings.TrimSpace(h)
	}
	type row struct {
		day    string
		quotes []decimal.Decimal
	}
	var rows []row
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &FormatError{name, line, errString(err)}
		}
		day := strings.TrimSpace(rec[0])
		if _, err := time.Parse("2006-01-02", day); err != nil {
			return nil, &FormatError{name, line, fmt.Sprintf("date %.20q", day)}
		}
		q := make([]decimal.Decimal, len(cols))
		for i := range cols {
			if i+1 >= len(rec) {
				break
			}
			v := strings.TrimSpace(rec[i+1])
			if v == "" || v == "N/A" {
				continue
			}
			d, err := decimal.NewFromString(v)
			if err != nil || !d.IsPositive() {
				return nil, &FormatError{name, line, fmt.Sprintf("%s rate %.20q", cols[i], v)}
			}
			q[i] = d
		}
		rows = append(rows, row{day, q})
	}
	slices.SortFunc(rows, func(a, b row) int { return strings.Compare(a.day, b.day) })
	out := &Rates{quote: map[string][]decimal.Decimal{}}
	for i, c := range cols {
		if c == "" {
			continue
		}
		col := make([]decimal.Decimal, len(rows))
		for j := range rows {
			col[j] = rows[j].quotes[i]
		}
		out.quote[c] = col
	}
	for _, rw := range rows {
		out.days = append(out.days, rw.day)
	}
	return out, nil
}

func errString(err error) string {
	if errors.Is(err, io.EOF) {
		return "empty"
	}
	return err.Error()
}

// Rate is how many units of a currency one unit of the home currency is
// worth on a day: "1 EUR = 1.0523 USD".
type Rate struct {
	Home, Currency string
	Units          decimal.Decimal // of Currency per one of Home
	Day            string          // the ECB's day the rate is of, YYYY-MM-DD
}

// MissingError is a rate the file does not have.
type MissingError struct {
	Currency, Day, Latest string
}

func (e *MissingError) Error() string {
	if e.Latest < e.Day {
		return fmt.Sprintf("no ECB rate for %s on %s: exchange_rates ends on %s (update it)", e.Currency, e.Day, e.Latest)
	}
	return fmt.Sprintf("no ECB rate for %s on or before %s in exchange_rates", e.Currency, e.Day)
}

// lookBack is how far before a day the latest rate may be: the ECB
// publishes on business days, and a currency it stopped quoting has no
// rate to carry forward.
const lookBack = 7 // days

// At is the rate of cur in home on day: the ECB's latest rate on or
// before day, within a week, as long as the file reaches day. Rates
// between two currencies other than the euro are crossed through it, to
// 6 decimals.
func (r *Rates) At(home, cur, day string) (Rate, error) {
	missing := &MissingError{Currency: cur, Day: day}
	if n := len(r.days); n > 0 {
		missing.Latest = r.days[n-1]
	}
	t, err := time.Parse("2006-01-02", day)
	if err != nil || missing.Latest < day {
		return Rate{}, missing
	}
	oldest := t.AddDate(0, 0, -lookBack).Format("2006-01-02")
	i, found := slices.BinarySearch(r.days, day)
	if !found {
		i-- // the last business day before it
	}
	for ; i >= 0 && r.days[i] >= oldest; i-- {
		h, okH := r.units(home, i)
		c, okC := r.units(cur, i)
		if !okH || !okC {
			continue
		}
		units := c
		if home != "EUR" {
			units = c.DivRound(h, 6)
		}
		return Rate{Home: home, Currency: cur, Units: units, Day: r.days[i]}, nil
	}
	return Rate{}, missing
}

// units is cur's units per euro on the i-th day.
func (r *Rates) units(cur string, i int) (decimal.Decimal, bool) {
	if cur == "EUR" {
		return decimal.NewFromInt(1), true
	}
	col := r.quote[cur]
	if col == nil || col[i].IsZero() {
		return decimal.Decimal{}, false
	}
	return col[i], true
}
