package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Versions of a plan and of rates: each period is priced by the version
// in force at its start, and the versions are checked when loaded.
func TestVersions(t *testing.T) {
	versioned := strings.NewReplacer(
		`tax: {rate: "0.19"}`, `tax:
  rate: [{rate: "0.19"}, {valid_from: 2027-01, rate: "0.20"}]
  consumer_rates: {AT: [{rate: "0.20"}, {valid_from: 2026-11, rate: "0.21"}], FR: "0.20"}`,
		`plans:
  - id: standard
    monthly_fee: "20.00"`, `plans:
  - {id: standard, valid_from: 2026-12, monthly_fee: "30.00"}
  - id: standard
    monthly_fee: "20.00"`).Replace(billingYAML)
	c := loadYAML(t, versioned)
	berlin := c.Location()
	for _, tc := range []struct {
		month          time.Month
		year           int
		fee, rate, at  string
		planFrom, from string
	}{
		{time.October, 2026, "20", "0.19", "0.2", "", ""},
		{time.November, 2026, "20", "0.19", "0.21", "", ""},
		{time.December, 2026, "30", "0.19", "0.21", "2026-12", ""},
		{time.January, 2027, "30", "0.2", "0.21", "2026-12", "2027-01"},
	} {
		at := c.At(time.Date(tc.year, tc.month, 1, 0, 0, 0, 0, berlin))
		p := at.Plan("standard")
		if len(at.Plans) != 1 || p.MonthlyFee.String() != tc.fee || p.ValidFrom != tc.planFrom || p.Metrics["in"].Rate.String() != "0.01" && tc.planFrom == "" {
			t.Errorf("%d-%02d: plans %+v", tc.year, tc.month, at.Plans)
		}
		if at.Tax.Rate.String() != tc.rate || at.Tax.ConsumerRates["AT"].String() != tc.at || at.Tax.ConsumerRates["FR"].String() != "0.2" || at.Tax.ValidFrom["tax.rate"] != tc.from {
			t.Errorf("%d-%02d: tax %+v", tc.year, tc.month, at.Tax)
		}
	}
	// Berlin's December starts at 23:00 UTC on 30 November.
	if at := c.At(time.Date(2026, 11, 30, 22, 59, 59, 0, time.UTC)); at.Plan("standard").MonthlyFee.String() != "20" {
		t.Errorf("a second before December in Berlin is priced by %v", at.Plan("standard").MonthlyFee)
	}
	if c.Tax.Rate.String() != "0.2" || len(c.Plans) != 2 {
		t.Errorf("as loaded: the latest rate %v, both versions %d", c.Tax.Rate, len(c.Plans))
	}
	for name, bad := range map[string][2]string{
		"two first plans":   {`  - {id: standard, valid_from: 2026-12, monthly_fee: "30.00"}`, `  - {id: standard, monthly_fee: "30.00"}`},
		"bad valid_from":    {`valid_from: 2026-12,`, `valid_from: 2026-12-01,`},
		"no first version":  {`[{rate: "0.20"}, {valid_from: 2026-11, rate: "0.21"}]`, `[{valid_from: 2026-10, rate: "0.20"}, {valid_from: 2026-11, rate: "0.21"}]`},
		"rate out of range": {`{valid_from: 2027-01, rate: "0.20"}`, `{valid_from: 2027-01, rate: "20"}`},
		"negative rate":     {`{valid_from: 2027-01, rate: "0.20"}`, `{valid_from: 2027-01, rate: "-0.20"}`},
		"unquoted rate":     {`{valid_from: 2027-01, rate: "0.20"}`, `{valid_from: 2027-01, rate: 2e-1}`},
	} {
		if _, err := loadYAMLErr(t, strings.Replace(versioned, bad[0], bad[1], 1)); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}

func loadYAMLErr(t *testing.T, y string) (*Config, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "billing.yaml")
	if err := os.WriteFile(p, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(p)
}

func loadYAML(t *testing.T, y string) *Config {
	t.Helper()
	c, err := loadYAMLErr(t, y)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
