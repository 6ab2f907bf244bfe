package config

import (
	"fmt"
	"time"

	"github.com/billrun/billrun/internal/period"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// RateVersion is a VAT rate from a period on.
type RateVersion struct {
	// ValidFrom is the first period (a month, 2027-01) the rate applies
	// to; empty: from the beginning.
	ValidFrom string          `yaml:"valid_from"`
	Rate      decimal.Decimal `yaml:"rate"`
}

// Rate is a VAT rate as the config gives it: one decimal ("0.19"), or
// its versions ([{rate: "0.19"}, {valid_from: 2027-01, rate: "0.20"}]).
type Rate []RateVersion

// UnmarshalYAML reads either form.
func (r *Rate) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		var d decimal.Decimal
		if err := n.Decode(&d); err != nil {
			return err
		}
		*r = Rate{{Rate: d}}
		return nil
	}
	var vs []RateVersion
	if err := n.Decode(&vs); err != nil {
		return err
	}
	*r = vs
	return nil
}

// validFrom is the first instant of valid_from s in the config's zone,
// or the zero time for "".
func (c *Config) validFrom(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	p, err := period.Parse(s, c.loc)
	if err != nil || p.Kind != period.KindMonth {
		return time.Time{}, fmt.Errorf("valid_from %q is not a month (2027-01)", s)
	}
	return p.Start, nil
}

// checkVersions checks the valid_from of versions (key names them in
// errors): months, each at most once, one of them from the beginning.
func (c *Config) checkVersions(key string, froms []string) error {
	seen := map[string]bool{}
	for _, f := range froms {
		if _, err := c.validFrom(f); err != nil {
			return fmt.Errorf("%s: %v", key, err)
		}
		if seen[f] && f == "" {
			return fmt.Errorf("%s: two versions valid from the beginning", key)
		}
		if seen[f] {
			return fmt.Errorf("%s: two versions valid from %s", key, f)
		}
		seen[f] = true
	}
	if len(froms) > 0 && !seen[""] {
		return fmt.Errorf("%s: no version without valid_from (the one in force before the first valid_from)", key)
	}
	return nil
}

// inForce is the index of the version in force at t among versions with
// the given valid_from: the latest that starts at or before t.
func (c *Config) inForce(froms []string, t time.Time) int {
	best, bestStart := -1, time.Time{}
	for i, f := range froms {
		s, _ := c.validFrom(f) // checked at load
		if !s.After(t) && (best < 0 || s.After(bestStart)) {
			best, bestStart = i, s
		}
	}
	return best
}

// rateAt is the rate of r in force at t.
func (c *Config) rateAt(r Rate, t time.Time) RateVersion {
	froms := make([]string, len(r))
	for i, v := range r {
		froms[i] = v.ValidFrom
	}
	if i := c.inForce(froms, t); i >= 0 {
		return r[i]
	}
	return RateVersion{}
}

// At is the config as it prices a period starting at start: each plan,
// tax.rate and tax.consumer_rates entry in the version in force then
// (the latest whose valid_from is not after start), so that a version
// for a later period never changes what an earlier one bills.
func (c *Config) At(start time.Time) *Config {
	at := *c
	at.Plans = nil
	ids := []string{}
	byID := map[string][]int{}
	for i, p := range c.Plans {
		if byID[p.ID] == nil {
			ids = append(ids, p.ID)
		}
		byID[p.ID] = append(byID[p.ID], i)
	}
	for _, id := range ids {
		froms := make([]string, len(byID[id]))
		for k, i := range byID[id] {
			froms[k] = c.Plans[i].ValidFrom
		}
		if k := c.inForce(froms, start); k >= 0 {
			at.Plans = append(at.Plans, c.Plans[byID[id][k]])
		}
	}
	at.Tax = c.Tax.at(c, start)
	return &at
}

// at resolves the tax settings' versions for start.
func (t TaxSettings) at(c *Config, start time.Time) TaxSettings {
	v := c.rateAt(t.RateVersions, start)
	t.Rate = v.Rate
	t.ValidFrom = map[string]string{"tax.rate": v.ValidFrom}
	t.ConsumerRates = map[string]decimal.Decimal{}
	for cc, r := range t.ConsumerRateVersions {
		v := c.rateAt(r, start)
		t.ConsumerRates[cc] = v.Rate
		t.ValidFrom["tax.consumer_rates."+cc] = v.ValidFrom
	}
	return t
}

// planVersions lists the valid_from of each plan id's versions.
func (c *Config) planVersions() map[string][]string {
	out := map[string][]string{}
	for _, p := range c.Plans {
		out[p.ID] = append(out[p.ID], p.ValidFrom)
	}
	return out
}
