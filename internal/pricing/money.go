package pricing

import (
	"fmt"

	currencies "github.com/billrun/billrun/internal/currency"

	"github.com/shopspring/decimal"
)

// Rounding is how an amount is brought to the currency's minor unit.
type Rounding string

const (
	HalfUp   Rounding = "half-up"   // 0.5 away from zero (commercial rounding)
	HalfEven Rounding = "half-even" // banker's rounding
)

// Round rounds d to places decimals.
func (r Rounding) Round(d decimal.Decimal, places int32) decimal.Decimal {
	if r == HalfEven {
		return d.RoundBank(places)
	}
	return d.Round(places) // shopspring rounds half away from zero
}

// MinorUnits is the number of decimals of a currency's minor unit.
func MinorUnits(currency string) int32 { return currencies.MinorUnits(currency) }

// Allocate splits total (already rounded to places) over weights with the
// largest-remainder method: each part is rounded down to the minor unit,
// and the units left over go to the parts with the largest remainders
// (ties to the earlier part), so the parts add back to the total exactly.
func Allocate(total decimal.Decimal, weights []decimal.Decimal, places int32) ([]decimal.Decimal, error) {
	if len(weights) == 0 {
		return nil, nil
	}
	var sum decimal.Decimal
	for _, w := range weights {
		if w.IsNegative() {
			return nil, fmt.Errorf("negative weight %s", w)
		}
		sum = sum.Add(w)
	}
	out := make([]decimal.Decimal, len(weights))
	if sum.IsZero() {
		out[0] = total
		for i := 1; i < len(out); i++ {
			out[i] = decimal.Zero
		}
		return out, nil
	}
	unit := decimal.New(1, -places)
	neg := total.IsNegative()
	abs := total.Abs()
	rem := make([]decimal.Decimal, len(weights))
	given := decimal.Zero
	for i, w := range weights {
		exact := abs.Mul(w).Div(sum)
		out[i] = exact.RoundFloor(places)
		rem[i] = exact.Sub(out[i])
		given = given.Add(out[i])
	}
	left := abs.Sub(given).Div(unit).IntPart()
	for ; left > 0; left-- {
		best := -1
		for i := range rem {
			if best < 0 || rem[i].GreaterThan(rem[best]) {
				best = i
			}
		}
		out[best] = out[best].Add(unit)
		rem[best] = decimal.NewFromInt(-1)
	}
	if neg {
		for i := range out {
			out[i] = out[i].Neg()
		}
	}
	return out, nil
}
