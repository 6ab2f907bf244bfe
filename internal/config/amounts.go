package config

import (
	"fmt"
	"maps"
	"slices"

	"github.com/shopspring/decimal"
)

// amount is one amount or quantity of the config, by the key that names
// it in errors, with its upper bound (zero: none). None may be negative:
// a negative fee, rate or included quantity turns a charge into a credit
// or charges a VPS under its allowance.
type amount struct {
	key   string
	value decimal.Decimal
	max   decimal.Decimal
	hint  string // what a right value looks like, for the error
}

var (
	one     = decimal.NewFromInt(1)
	hundred = decimal.NewFromInt(100)
)

// amounts lists every amount and quantity of the config: the plans'
// fees, included quantities and rates, p95 prices, SLA credit
// percentages, and the VAT rates with their versions.
func (c *Config) amounts() []amount {
	var out []amount
	for i, p := range c.Plans {
		key := fmt.Sprintf("plans[%d]", i)
		out = append(out, amount{key: fmt.Sprintf("%s.monthly_fee (%s)", key, p.ID), value: p.MonthlyFee})
		for _, name := range slices.Sorted(maps.Keys(p.Metrics)) {
			m := p.Metrics[name]
			out = append(out, amount{key: key + ".metrics." + name + ".included", value: m.Included},
				amount{key: key + ".metrics." + name + ".rate", value: m.Rate})
		}
		if q := p.P95; q != nil {
			out = append(out, amount{key: key + ".p95.included_mbps", value: q.IncludedMbps},
				amount{key: key + ".p95.rate_per_mbps", value: q.RatePerMbps})
		}
		if p.SLA != nil {
			for j, t := range p.SLA.Credits {
				out = append(out, amount{key: fmt.Sprintf("%s.sla.credits[%d].percent", key, j), value: t.Percent, max: hundred})
			}
		}
	}
	out = appendRate(out, "tax.rate", c.Tax.RateVersions, " (0.19 for 19 %)")
	for _, cc := range slices.Sorted(maps.Keys(c.Tax.ConsumerRateVersions)) {
		out = appendRate(out, "tax.consumer_rates."+cc, c.Tax.ConsumerRateVersions[cc], "")
	}
	return out
}

// appendRate appends a VAT rate's versions, in [0, 1] each.
func appendRate(out []amount, key string, r Rate, hint string) []amount {
	for i, v := range r {
		k := key
		if len(r) > 1 {
			k = fmt.Sprintf("%s[%d].rate", key, i)
		}
		out = append(out, amount{key: k, value: v.Rate, max: one, hint: hint})
	}
	return out
}

// checkAmounts refuses an amount below zero or above its bound, naming
// its key.
func (c *Config) checkAmounts() error {
	for _, a := range c.amounts() {
		switch {
		case a.value.IsNegative():
			return fmt.Errorf("%s: %s must be >= 0", a.key, a.value)
		case !a.max.IsZero() && a.value.GreaterThan(a.max):
			return fmt.Errorf("%s: %s is not in [0, %s]%s", a.key, a.value, a.max, a.hint)
		}
	}
	return nil
}
