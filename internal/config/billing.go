package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/billrun/billrun/internal/currency"

	"github.com/shopspring/decimal"
)

// Party is an invoice's issuer or customer (EU VAT art. 226: name,
// address and VAT identification number).
type Party struct {
	Name    string   `yaml:"name" json:"name"`
	Address []string `yaml:"address" json:"address"`
	VATID   string   `yaml:"vat_id" json:"vat_id,omitempty"`
	Email   string   `yaml:"email" json:"email,omitempty"`
}

// InvoiceSettings say how invoices are numbered, dated and rounded.
type InvoiceSettings struct {
	NumberPrefix string `yaml:"number_prefix"` // default "INV-"
	// NumberFormat makes an issued document's number from {year} (of the
	// issue date) and {seq} ({seq:05}: zero-padded to five digits); default
	// NumberPrefix + "{year}-{seq:05}".
	NumberFormat string `yaml:"number_format"`
	// NumberRestart: "never" (one sequence for ever, the default) or
	// "yearly" (a sequence per issue year, from 1).
	NumberRestart string `yaml:"number_restart"`
	DueDays       int    `yaml:"due_days"` // default 14
	Rounding      string `yaml:"rounding"` // half-up (default) or half-even
	// Font is a TrueType font for invoices whose text the embedded Go
	// fonts cannot print (CJK); relative to the config's directory.
	Font string `yaml:"font"`
}

// IssueSettings say when drafts are issued without a person.
type IssueSettings struct {
	// After, when set, lets the daemon issue the drafts of a period that
	// ended at least this long ago (e.g. 48h); unset, drafts wait for
	// billrun issue.
	After string `yaml:"after"`

	AfterDuration time.Duration `yaml:"-"`
}

// MetricPrice prices one metric: quantities are converted to Unit,
// Included of them are free, the rest cost Rate each.
type MetricPrice struct {
	Unit     string          `yaml:"unit"`
	Included decimal.Decimal `yaml:"included"`
	Rate     decimal.Decimal `yaml:"rate"`
}

// P95Price prices 95th-percentile bandwidth above IncludedMbps.
type P95Price struct {
	IncludedMbps decimal.Decimal `yaml:"included_mbps"`
	RatePerMbps  decimal.Decimal `yaml:"rate_per_mbps"`
}

// CreditTier: uptime below Below earns Percent of the monthly fee back.
type CreditTier struct {
	Below   float64         `yaml:"below"`
	Percent decimal.Decimal `yaml:"percent"`
}

// SLAPolicy is a plan's uptime target and credit tiers.
type SLAPolicy struct {
	Target  float64      `yaml:"target"`
	Credits []CreditTier `yaml:"credits"`
}

// Plan is what a customer pays per VPS.
type Plan struct {
	ID         string                 `yaml:"id"`
	MonthlyFee decimal.Decimal        `yaml:"monthly_fee"`
	Prorate    bool                   `yaml:"prorate"`
	TaxRate    decimal.Decimal        `yaml:"tax_rate"`
	Metrics    map[string]MetricPrice `yaml:"metrics"`
	P95        *P95Price              `yaml:"p95"`
	SLA        *SLAPolicy             `yaml:"sla"`
}

// CustomerVPS is a customer's VPS, optionally active for part of a period.
type CustomerVPS struct {
	Name        string `yaml:"name"`
	File        string `yaml:"file"`
	Host        string `yaml:"host"`
	ActiveFrom  string `yaml:"active_from"`  // YYYY-MM-DD in the config's zone, inclusive
	ActiveUntil string `yaml:"active_until"` // YYYY-MM-DD, exclusive

	From, Until time.Time `yaml:"-"` // parsed; zero when unset
}

// Customer is billed per period.
type Customer struct {
	ID            string `yaml:"id"`
	Party         `yaml:",inline"`
	Currency      string        `yaml:"currency"`
	Plan          string        `yaml:"plan"`
	ReverseCharge bool          `yaml:"reverse_charge"`
	VPS           []CustomerVPS `yaml:"vps"`
}

// validCurrency says whether s is an ISO 4217 code.
func validCurrency(s string) bool { return currency.Known(s) }

// validateBilling checks the billing sections; VPS names must not clash
// with the top-level vps list (seen).
func (c *Config) validateBilling(seen map[string]bool) error {
	if c.Invoice.NumberPrefix == "" {
		c.Invoice.NumberPrefix = "INV-"
	}
	if c.Invoice.DueDays == 0 {
		c.Invoice.DueDays = 14
	}
	if err := checkFileNamePart(c.Invoice.NumberPrefix); err != nil {
		return fmt.Errorf("invoice.number_prefix: %v", err)
	}
	if c.Invoice.NumberFormat == "" {
		c.Invoice.NumberFormat = c.Invoice.NumberPrefix + "{year}-{seq:05}"
	}
	if strings.Count(c.Invoice.NumberFormat, "{seq") != 1 {
		return fmt.Errorf("invoice.number_format: %q must hold {seq} (or {seq:05}) once", c.Invoice.NumberFormat)
	}
	if err := checkFileNamePart(c.Invoice.NumberFormat); err != nil {
		return fmt.Errorf("invoice.number_format: %v", err)
	}
	switch c.Invoice.NumberRestart {
	case "":
		c.Invoice.NumberRestart = "never"
	case "never", "yearly":
	default:
		return fmt.Errorf("invoice.number_restart: %q is not never or yearly", c.Invoice.NumberRestart)
	}
	if c.Issue.After != "" {
		d, err := time.ParseDuration(c.Issue.After)
		if err != nil || d < 0 {
			return fmt.Errorf("issue.after: %q is not a duration such as 48h", c.Issue.After)
		}
		c.Issue.AfterDuration = d
	}
	switch c.Invoice.Rounding {
	case "":
		c.Invoice.Rounding = "half-up"
	case "half-up", "half-even":
	default:
		return fmt.Errorf("invoice.rounding: %q is not half-up or half-even", c.Invoice.Rounding)
	}
	if c.Invoice.DueDays < 0 || c.Invoice.DueDays > 366 {
		return fmt.Errorf("invoice.due_days: %d out of range", c.Invoice.DueDays)
	}
	if c.ReviewCoverage == nil {
		v := 0.99
		c.ReviewCoverage = &v
	} else if *c.ReviewCoverage < 0 || *c.ReviewCoverage > 1 {
		return fmt.Errorf("review_coverage: %v is not in [0, 1]", *c.ReviewCoverage)
	}
	// An invoice must name its issuer, with address and VAT ID (Directive
	// 2006/112/EC art. 226 (3), (5)): without them billrun would issue
	// documents that are not invoices.
	if len(c.Customers) > 0 {
		if err := c.checkIssuer(); err != nil {
			return err
		}
	}
	plans := map[string]bool{}
	c.plans = plans
	for i, p := range c.Plans {
		if !validID(p.ID, 64) || plans[p.ID] {
			return fmt.Errorf("plans[%d].id: invalid or duplicate id %q", i, p.ID)
		}
		plans[p.ID] = true
		if p.MonthlyFee.IsNegative() || p.TaxRate.IsNegative() || p.TaxRate.GreaterThan(decimal.NewFromInt(1)) {
			return fmt.Errorf("plans[%d] (%s): monthly_fee must be >= 0 and tax_rate in [0, 1]", i, p.ID)
		}
		for name, m := range p.Metrics {
			if m.Unit == "" || m.Included.IsNegative() || m.Rate.IsNegative() {
				return fmt.Errorf("plans[%d].metrics.%s: unit required, included and rate must be >= 0", i, name)
			}
		}
		if p.SLA != nil {
			for j, t := range p.SLA.Credits {
				if t.Below <= 0 || t.Below > 100 || t.Percent.IsNegative() || t.Percent.GreaterThan(decimal.NewFromInt(100)) {
					return fmt.Errorf("plans[%d].sla.credits[%d]: below in (0, 100], percent in [0, 100]", i, j)
				}
			}
		}
	}
	ids := map[string]bool{}
	for i := range c.Customers {
		cu := &c.Customers[i]
		if ids[cu.ID] {
			return fmt.Errorf("customers[%d].id: invalid or duplicate id %q", i, cu.ID)
		}
		ids[cu.ID] = true
		if err := c.checkCustomer(i, cu, seen); err != nil {
			return err
		}
	}
	return nil
}

// checkIssuer checks what an invoice needs of its issuer.
func (c *Config) checkIssuer() error {
	switch {
	case c.Issuer.Name == "":
		return fmt.Errorf("issuer.name: missing (invoices must name their issuer)")
	case len(c.Issuer.Address) == 0:
		return fmt.Errorf("issuer.address: missing (invoices must carry the issuer's address)")
	case c.Issuer.VATID == "":
		return fmt.Errorf("issuer.vat_id: missing (invoices must carry the issuer's VAT ID)")
	}
	return nil
}

// checkCustomer checks customer i, all but the uniqueness of its id, and
// its VPS, resolving their files and parsing their dates. A VPS name in
// seen is a duplicate; each checked name is added to seen.
func (c *Config) checkCustomer(i int, cu *Customer, seen map[string]bool) error {
	if !validID(cu.ID, 64) {
		return fmt.Errorf("customers[%d].id: invalid or duplicate id %q", i, cu.ID)
	}
	if cu.Name == "" {
		return fmt.Errorf("customers[%d].name: missing", i)
	}
	if !validCurrency(cu.Currency) {
		return fmt.Errorf("customers[%d].currency: %q is not an ISO 4217 code", i, cu.Currency)
	}
	if !c.plans[cu.Plan] {
		return fmt.Errorf("customers[%d].plan: no plan %q", i, cu.Plan)
	}
	// Under reverse charge the customer accounts for the VAT under its
	// own VAT ID, which the invoice must carry (art. 226 (4)).
	if cu.ReverseCharge && cu.VATID == "" {
		return fmt.Errorf("customers[%d].vat_id: required with reverse_charge (the customer accounts for the VAT under it)", i)
	}
	for j := range cu.VPS {
		if key, err := c.checkCustomerVPS(&cu.VPS[j], seen); err != nil {
			return fmt.Errorf("customers[%d].vps[%d].%s: %v", i, j, key, err)
		}
	}
	return nil
}

// checkCustomerVPS checks a customer's VPS, resolving its file and parsing
// its dates; on an error it names the key that is wrong. A name in seen is
// a duplicate; a checked name is added to seen.
func (c *Config) checkCustomerVPS(v *CustomerVPS, seen map[string]bool) (key string, err error) {
	if !validName(v.Name) || seen[v.Name] {
		return "name", fmt.Errorf("invalid or duplicate name %q", v.Name)
	}
	seen[v.Name] = true
	if v.File == "" {
		v.File = v.Name + ".rrd"
	}
	if c.remote[v.Host] == "" {
		v.File = c.resolve(v.File)
		if err := c.inside(v.File); err != nil {
			return "file", err
		}
	}
	if v.Host != "" && !c.hosts[v.Host] {
		return "host", fmt.Errorf("no host named %q", v.Host)
	}
	if v.From, err = c.date(v.ActiveFrom); err != nil {
		return "active_from", err
	}
	if v.Until, err = c.date(v.ActiveUntil); err != nil {
		return "active_until", err
	}
	if !v.From.IsZero() && !v.Until.IsZero() && !v.Until.After(v.From) {
		return "active_until", fmt.Errorf("%s is not after active_from %s", v.ActiveUntil, v.ActiveFrom)
	}
	return "", nil
}

func (c *Config) date(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.ParseInLocation("2006-01-02", s, c.loc)
}

// Plan returns the plan with id.
func (c *Config) Plan(id string) *Plan {
	for i := range c.Plans {
		if c.Plans[i].ID == id {
			return &c.Plans[i]
		}
	}
	return nil
}

// checkFileNamePart says what keeps s from being part of a file name:
// documents are named by their numbers, which must not leave their
// directory.
func checkFileNamePart(s string) error {
	if strings.ContainsAny(s, "/\\") || strings.Contains(s, "..") || strings.HasPrefix(s, ".") {
		return fmt.Errorf("%q would make numbers that are not plain file names (no /, \\, .. or leading .)", s)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%q holds a control character", s)
		}
	}
	return nil
}
