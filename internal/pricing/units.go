package pricing

import (
	"fmt"
	"slices"

	"github.com/shopspring/decimal"
)

// conversions maps a metric's base unit to billing units: quantity in the
// billing unit = base total / divisor. "month" divisors depend on the
// period and are handled in Convert.
var conversions = map[string]map[string]decimal.Decimal{
	"bytes": {
		"B": dec("1"), "KB": dec("1e3"), "MB": dec("1e6"), "GB": dec("1e9"), "TB": dec("1e12"),
		"KiB": dec("1024"), "MiB": dec("1048576"), "GiB": dec("1073741824"), "TiB": dec("1099511627776"),
	},
	// USER_HZ is 100: a tick is 1/100 of a CPU second.
	"ticks": {"ticks": dec("1"), "cpu-seconds": dec("100"), "cpu-minutes": dec("6000"), "cpu-hours": dec("360000")},
	// vm, rss and disk are kB gauges: totals in KB-minutes.
	"KB-minutes": {"KB-minutes": dec("1"), "MB-hours": dec("6e4"), "GB-hours": dec("6e7"), "GiB-hours": dec("62914560")},
}

// monthUnits are per-period averages: KB-minutes / minutes of the period.
var monthUnits = map[string]decimal.Decimal{"KB-months": dec("1"), "MB-months": dec("1e3"), "GB-months": dec("1e6"), "GiB-months": dec("1048576")}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// Convert turns a metric total in its base unit into the billing unit.
// periodMinutes is the length of the billing period (for *-months units:
// a GB-month is 1 GB held for the whole period).
func Convert(total decimal.Decimal, baseUnit, unit string, periodMinutes int64) (decimal.Decimal, error) {
	if baseUnit == "KB-minutes" {
		if d, ok := monthUnits[unit]; ok {
			return total.Div(d.Mul(decimal.NewFromInt(periodMinutes))), nil
		}
	}
	if d, ok := conversions[baseUnit][unit]; ok {
		return total.Div(d), nil
	}
	return decimal.Zero, fmt.Errorf("no conversion from %s to %s", baseUnit, unit)
}

// Units lists the units a total in baseUnit converts to, sorted.
func Units(baseUnit string) []string {
	var out []string
	for u := range conversions[baseUnit] {
		out = append(out, u)
	}
	if baseUnit == "KB-minutes" {
		for u := range monthUnits {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return out
}

// unitCodes are the billing units in UN/ECE Recommendation 20, as
// e-invoices name them (BT-130); a unit not here is "one" (C62).
var unitCodes = map[string]string{
	"B": "AD", "KB": "2P", "MB": "4L", "GB": "E34", "TB": "E35",
	"cpu-seconds": "SEC", "cpu-minutes": "MIN", "cpu-hours": "HUR", "Mbps": "E20",
}

// UnitCode is unit's UN/ECE Recommendation 20 code.
func UnitCode(unit string) string {
	if c, ok := unitCodes[unit]; ok {
		return c
	}
	return "C62"
}

// BillingUnitOf is l's billing unit: the one it records, or for a line
// issued before lines recorded it, the one its UN/ECE code and kind name
// ("" where they do not: a usage line in GB-months was C62).
func BillingUnitOf(l Line) string {
	if l.BillingUnit != "" {
		return l.BillingUnit
	}
	switch {
	case l.UnitCode == "MON":
		return "month"
	case l.UnitCode == "DAY":
		return "day"
	case l.Kind == "sla_credit":
		return "credit"
	case l.Kind == "charge":
		return "lump"
	}
	for unit, code := range unitCodes {
		if code == l.UnitCode {
			return unit
		}
	}
	return ""
}
