package config

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/billrun/billrun/internal/currency"
	"github.com/billrun/billrun/internal/locale"
	"github.com/billrun/billrun/internal/tax"

	"github.com/shopspring/decimal"
)

// Party is an invoice's issuer or customer (EU VAT art. 226: name,
// address and VAT identification number). Address holds the street lines;
// postcode, city and country (ISO 3166-1 alpha-2) are apart, as EN 16931
// e-invoices carry them.
type Party struct {
	Name     string   `yaml:"name"`
	Address  []string `yaml:"address"`
	Postcode string   `yaml:"postcode"`
	City     string   `yaml:"city"`
	// Region is the state or province, for addresses that need one
	// (BT-39, BT-54).
	Region  string `yaml:"region"`
	Country string `yaml:"country"`
	VATID   string `yaml:"vat_id"`
	// TaxNumber is the national tax number (German Steuernummer, §14
	// UStG), printed next to the VAT ID.
	TaxNumber string `yaml:"tax_number"`
	Email     string `yaml:"email"`
	// Endpoint is the party's electronic address for e-invoices (BT-34,
	// BT-49).
	Endpoint *Endpoint `yaml:"endpoint"`
}

// Endpoint is an electronic address: a scheme (EAS code list: EM for an
// e-mail address, 0088 for a GLN, 0204 for a Leitweg-ID, 9930 for a German
// VAT ID, …) and the address in it.
type Endpoint struct {
	Scheme string `yaml:"scheme"`
	ID     string `yaml:"id"`
}

// Issuer is the party that issues the invoices, with what §14 UStG and
// finance want on each: the bank account, the company register, the
// managing directors and a contact.
type Issuer struct {
	Party `yaml:",inline"`
	// Currency is the home currency, which VAT is accounted in (BT-6):
	// default EUR for an issuer in the EU. An invoice in another currency
	// states its VAT in it too, at the ECB rate (exchange_rates).
	Currency string `yaml:"currency"`
	// Identifier is the seller's identifier (BT-29), a GLN say, with its
	// ISO 6523 scheme.
	Identifier        *Identifier `yaml:"identifier"`
	Bank              *Bank       `yaml:"bank"`
	Register          *Register   `yaml:"register"`
	ManagingDirectors []string    `yaml:"managing_directors"`
	Contact           *Contact    `yaml:"contact"`
}

// Identifier is an identifier in an ISO 6523 scheme (ICD: 0088 for a
// GLN, 0060 for a DUNS number, …; empty: none named).
type Identifier struct {
	Scheme string `yaml:"scheme"`
	ID     string `yaml:"id"`
}

// Bank is the account customers pay to (credit transfer).
type Bank struct {
	IBAN   string `yaml:"iban"`
	BIC    string `yaml:"bic"`
	Holder string `yaml:"holder"` // default: the issuer's name
}

// Register is the company's entry in a commercial register.
type Register struct {
	Court  string `yaml:"court"`
	Number string `yaml:"number"`
}

// Contact is who a customer asks about an invoice (BG-6).
type Contact struct {
	Name  string `yaml:"name"`
	Phone string `yaml:"phone"`
	Email string `yaml:"email"`
}

// TaxSettings are the VAT rates billrun applies; which one an invoice
// gets follows from the customer's country and VAT ID (see
// internal/tax).
type TaxSettings struct {
	// RateVersions is tax.rate as written: the VAT rate for customers in
	// the issuer's country (0.19), or its versions.
	RateVersions Rate `yaml:"rate" json:"-"`
	// ConsumerRateVersions are tax.consumer_rates as written: the rates
	// for consumers (no VAT ID) in other EU states, by country code.
	ConsumerRateVersions map[string]Rate `yaml:"consumer_rates" json:"-"`

	// Rate and ConsumerRates are the rates in force: for a period's start
	// in a config from At, else the latest versions.
	Rate          decimal.Decimal            `yaml:"-"`
	ConsumerRates map[string]decimal.Decimal `yaml:"-"`
	// ValidFrom is the valid_from of each rate in force, by key
	// ("tax.rate", "tax.consumer_rates.AT"); "" for the first version.
	ValidFrom map[string]string `yaml:"-" json:"-"`
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

// P95Price prices 95th-percentile bandwidth above IncludedMbps, as
// providers bill it: the traffic consolidated to Step seconds (default
// 600), then the 95th percentile of Direction: in, out, max (the larger
// of the two per step, the default) or sum (in + out).
type P95Price struct {
	IncludedMbps decimal.Decimal `yaml:"included_mbps"`
	RatePerMbps  decimal.Decimal `yaml:"rate_per_mbps"`
	Direction    string          `yaml:"direction"`
	Step         int64           `yaml:"step"`
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
	ID string `yaml:"id"`
	// ValidFrom is the first period (2027-01) this version of the plan
	// prices; empty for the first version. A plan's versions share its id.
	ValidFrom string `yaml:"valid_from" json:",omitempty"`
	// Name is how invoices call the plan (default: its id).
	Name       string          `yaml:"name"`
	MonthlyFee decimal.Decimal `yaml:"monthly_fee"`
	Prorate    bool            `yaml:"prorate"`
	// ProrateIncluded prorates each metric's included quantity like the
	// fee, by the days a VPS was active; unset, as Prorate (see
	// ProratesIncluded).
	ProrateIncluded *bool                  `yaml:"prorate_included"`
	Metrics         map[string]MetricPrice `yaml:"metrics"`
	P95             *P95Price              `yaml:"p95"`
	SLA             *SLAPolicy             `yaml:"sla"`
	// Discount is taken off every invoice of the plan's customers, unless
	// a customer has its own. (Left out of the plan's JSON when unset, so
	// that the digest of a plan without one stays what it was.)
	Discount *Discount `yaml:"discount" json:",omitempty"`
}

// Discount is taken off a whole invoice (EN 16931 BG-20, a document-level
// allowance): Percent of the lines' sum, or a fixed Amount in the
// invoice's currency (at most that sum), for Reason (BT-97), with its
// UNCL 5189 Code (BT-98; default 95, "Discount").
type Discount struct {
	Percent *decimal.Decimal `yaml:"percent"`
	Amount  *decimal.Decimal `yaml:"amount"`
	Reason  string           `yaml:"reason"`
	Code    string           `yaml:"code"`
}

// Price is a customer's own price: its monthly fee and the metrics it
// names replace its plan's; the plan's other terms stay.
type Price struct {
	MonthlyFee *decimal.Decimal       `yaml:"monthly_fee"`
	Metrics    map[string]MetricPrice `yaml:"metrics"`
}

// Charge is an extra charge on a customer's invoices (a setup fee, an
// extra IPv4 address): Amount in the invoice's currency, in each period
// from From (a period label such as 2026-11) until Until (exclusive; the
// period after From: once; unset: every period on).
type Charge struct {
	Description string          `yaml:"description"`
	Amount      decimal.Decimal `yaml:"amount"`
	From        string          `yaml:"from"`
	Until       string          `yaml:"until"`
}

// In says whether the charge is due in the period labelled label.
func (ch Charge) In(label string) bool {
	return ch.From <= label && (ch.Until == "" || label < ch.Until)
}

// ProratesIncluded says whether the plan prorates included quantities:
// prorate_included, else prorate.
func (p *Plan) ProratesIncluded() bool {
	if p.ProrateIncluded == nil {
		return p.Prorate
	}
	return *p.ProrateIncluded
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
	ID    string `yaml:"id"`
	Party `yaml:",inline"`
	// BuyerReference is the customer's reference for its invoices (BT-10;
	// the Leitweg-ID of a German public body).
	BuyerReference string `yaml:"buyer_reference"`
	// PurchaseOrder is the customer's order its invoices refer to (BT-13),
	// Contract its contract with the issuer (BT-12).
	PurchaseOrder string `yaml:"purchase_order"`
	Contract      string `yaml:"contract"`
	// Contact is whom the invoice is for at the customer (BG-9).
	Contact *Contact `yaml:"contact"`
	// EmailCC get a copy of each message billrun send sends to email.
	EmailCC []string `yaml:"email_cc"`
	// Price overrides the plan's fee and metric prices for this customer,
	// Discount the plan's discount; Charges are billed beside the VPS.
	Price    *Price    `yaml:"price"`
	Discount *Discount `yaml:"discount"`
	Charges  []Charge  `yaml:"charges"`
	// Language of the customer's documents: en (default), de, fr or nl.
	Language string `yaml:"language"`
	// EInvoice is the e-invoice the customer receives with each document:
	// xrechnung-ubl, xrechnung-cii, peppol, facturx or none (the default).
	EInvoice string        `yaml:"einvoice"`
	Currency string        `yaml:"currency"`
	Plan     string        `yaml:"plan"`
	VPS      []CustomerVPS `yaml:"vps"`
}

// E-invoice formats a customer can receive.
const (
	EInvoiceNone         = "none"
	EInvoiceXRechnungUBL = "xrechnung-ubl"
	EInvoiceXRechnungCII = "xrechnung-cii"
	EInvoicePeppol       = "peppol"
	EInvoiceFacturX      = "facturx"
)

// validCurrency says whether s is an ISO 4217 code.
func validCurrency(s string) bool { return currency.Known(s) }

// validateBilling checks the billing sections, filling in their
// defaults; VPS names must not clash with the top-level vps list (seen).
func (c *Config) validateBilling(seen map[string]bool) error {
	if err := c.checkInvoiceSettings(); err != nil {
		return err
	}
	// An invoice must name its issuer, with address and VAT ID (Directive
	// 2006/112/EC art. 226 (3), (5)): without them billrun would issue
	// documents that are not invoices.
	if len(c.Customers) > 0 {
		if err := c.checkIssuer(); err != nil {
			return err
		}
	}
	if err := c.checkAmounts(); err != nil {
		return err
	}
	if err := c.checkTax(); err != nil {
		return err
	}
	plans := map[string]bool{}
	c.plans = plans
	for i := range c.Plans {
		p := &c.Plans[i]
		if !validID(p.ID, 64) {
			return fmt.Errorf("plans[%d].id: invalid id %q", i, p.ID)
		}
		plans[p.ID] = true
		if err := checkPlan(i, p); err != nil {
			return err
		}
	}
	versions := c.planVersions()
	for _, id := range slices.Sorted(maps.Keys(versions)) {
		if err := c.checkVersions("plans "+id, versions[id]); err != nil {
			return fmt.Errorf("%w (a plan's versions share its id; each but the first has its own valid_from)", err)
		}
	}
	ids := map[string]string{} // by the id in lower case
	for i := range c.Customers {
		cu := &c.Customers[i]
		if other, ok := ids[strings.ToLower(cu.ID)]; ok {
			if other != cu.ID {
				// a file system, a mail client or a spreadsheet's filter
				// that ignores case would take one for the other
				return fmt.Errorf("customers[%d].id: %q and %q differ only in case: customer ids must differ in more", i, other, cu.ID)
			}
			return fmt.Errorf("customers[%d].id: invalid or duplicate id %q", i, cu.ID)
		}
		ids[strings.ToLower(cu.ID)] = cu.ID
		if err := c.checkCustomer(i, cu, seen); err != nil {
			return err
		}
	}
	return nil
}

// checkInvoiceSettings checks how invoices are numbered, rounded, dated
// and issued, and when they are flagged, filling in the defaults.
func (c *Config) checkInvoiceSettings() error {
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
	return nil
}

// checkTax checks the VAT rates.
func (c *Config) checkTax() error {
	if err := c.checkRate("tax.rate", c.Tax.RateVersions); err != nil {
		return err
	}
	for _, cc := range slices.Sorted(maps.Keys(c.Tax.ConsumerRateVersions)) {
		if !tax.EU(cc) || cc == c.Issuer.Country {
			return fmt.Errorf("tax.consumer_rates.%s: not another EU member state's code", cc)
		}
		if err := c.checkRate("tax.consumer_rates."+cc, c.Tax.ConsumerRateVersions[cc]); err != nil {
			return err
		}
	}
	c.Tax = c.Tax.at(c, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)) // the latest, until a period asks
	return nil
}

// checkRate checks a rate's versions' valid_from months, one from the
// beginning (checkAmounts checks the rates).
func (c *Config) checkRate(key string, r Rate) error {
	froms := make([]string, len(r))
	for i, v := range r {
		froms[i] = v.ValidFrom
	}
	return c.checkVersions(key, froms)
}

// checkPlan checks plans[i], filling in its defaults.
func checkPlan(i int, p *Plan) error {
	if p.Name == "" {
		p.Name = p.ID
	}
	for _, name := range slices.Sorted(maps.Keys(p.Metrics)) {
		if p.Metrics[name].Unit == "" {
			return fmt.Errorf("plans[%d].metrics.%s.unit: required", i, name)
		}
	}
	if q := p.P95; q != nil {
		switch q.Direction {
		case "":
			q.Direction = "max"
		case "in", "out", "max", "sum":
		default:
			return fmt.Errorf("plans[%d].p95.direction: %q is not in, out, max or sum", i, q.Direction)
		}
		if q.Step == 0 {
			// the seed's 10-minute RRA covers a whole month (its
			// 1-minute one ten days), so a month's p95 at 600 s is
			// the same whichever rows are read
			q.Step = 600
		}
		// steps that divide the hour keep every step inside one hour,
		// whatever the zone (the minute RRA's rows are whole minutes)
		if q.Step < 60 || q.Step > 3600 || 3600%q.Step != 0 || q.Step%60 != 0 {
			return fmt.Errorf("plans[%d].p95.step: %d is not a whole number of minutes that divides the hour (60, 300, 600, 900, 3600, …)", i, q.Step)
		}
	}
	if p.SLA != nil {
		for j, t := range p.SLA.Credits {
			if t.Below <= 0 || t.Below > 100 {
				return fmt.Errorf("plans[%d].sla.credits[%d].below: %v is not in (0, 100]", i, j, t.Below)
			}
		}
	}
	if d := p.Discount; d != nil {
		if k, err := checkDiscount(d); err != nil {
			return fmt.Errorf("plans[%d].%s: %v", i, strings.TrimSuffix("discount."+k, "."), err)
		}
	}
	return nil
}

// checkIssuer checks what an invoice needs of its issuer.
func (c *Config) checkIssuer() error {
	is := &c.Issuer
	switch {
	case is.Name == "":
		return fmt.Errorf("issuer.name: missing (invoices must name their issuer)")
	case len(is.Address) == 0:
		return fmt.Errorf("issuer.address: missing (invoices must carry the issuer's address)")
	case is.City == "":
		return fmt.Errorf("issuer.city: missing (invoices must carry the issuer's address)")
	case is.Postcode == "":
		return fmt.Errorf("issuer.postcode: missing (invoices must carry the issuer's address)")
	case !tax.Country(is.Country):
		return fmt.Errorf("issuer.country: %q is not an ISO 3166 country code such as DE (the tax of every invoice depends on it)", is.Country)
	case is.VATID == "":
		return fmt.Errorf("issuer.vat_id: missing (invoices must carry the issuer's VAT ID)")
	}
	if err := tax.CheckVATID(is.VATID, is.Country); err != nil {
		return fmt.Errorf("issuer.vat_id: %v", err)
	}
	if len(is.Address) > 3 {
		return fmt.Errorf("issuer.address: %d lines; at most 3 street lines (postcode, city and country have keys of their own)", len(is.Address))
	}
	if err := checkEndpoint(is.Endpoint); err != nil {
		return fmt.Errorf("issuer.endpoint: %v", err)
	}
	if b := is.Bank; b != nil {
		if err := checkIBAN(b.IBAN); err != nil {
			return fmt.Errorf("issuer.bank.iban: %v", err)
		}
		if b.BIC != "" && !bicPattern.MatchString(b.BIC) {
			return fmt.Errorf("issuer.bank.bic: %q is not a BIC (8 or 11 letters and digits)", b.BIC)
		}
		if b.Holder == "" {
			b.Holder = is.Name
		}
	}
	if r := is.Register; r != nil && (r.Court == "" || r.Number == "") {
		return fmt.Errorf("issuer.register: court and number, both")
	}
	if ct := is.Contact; ct != nil && (ct.Name == "" || ct.Phone == "" || ct.Email == "") {
		return fmt.Errorf("issuer.contact: name, phone and email, all three")
	}
	if id := is.Identifier; id != nil && (id.ID == "" || id.Scheme != "" && !icdPattern.MatchString(id.Scheme)) {
		return fmt.Errorf("issuer.identifier: an id, and a scheme of 4 digits (ISO 6523 ICD: 0088 for a GLN) or none")
	}
	if is.Currency == "" && tax.EU(is.Country) {
		is.Currency = "EUR"
	}
	if is.Currency != "" && !validCurrency(is.Currency) {
		return fmt.Errorf("issuer.currency: %q is not an ISO 4217 code", is.Currency)
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
	if !tax.Country(cu.Country) {
		return fmt.Errorf("customers[%d].country: %q is not an ISO 3166 country code such as DE (the invoice's tax depends on it)", i, cu.Country)
	}
	if cu.City == "" {
		return fmt.Errorf("customers[%d].city: missing (invoices must carry the customer's address)", i)
	}
	if len(cu.Address) > 3 {
		return fmt.Errorf("customers[%d].address: %d lines; at most 3 street lines (postcode, city and country have keys of their own)", i, len(cu.Address))
	}
	if cu.VATID != "" {
		if err := tax.CheckVATID(cu.VATID, cu.Country); err != nil {
			return fmt.Errorf("customers[%d].vat_id: %v", i, err)
		}
	}
	treatment, err := tax.Decide(c.Issuer.Country, cu.Country, cu.VATID, c.TaxRates())
	if err != nil {
		return fmt.Errorf("customers[%d].country: %v", i, err)
	}
	if cu.Language == "" {
		cu.Language = "en"
	}
	if !locale.Has(cu.Language) {
		return fmt.Errorf("customers[%d].language: %q is not one of %s", i, cu.Language, strings.Join(locale.Languages, ", "))
	}
	if err := checkEndpoint(cu.Endpoint); err != nil {
		return fmt.Errorf("customers[%d].endpoint: %v", i, err)
	}
	if key, err := checkTerms(cu); err != nil {
		return fmt.Errorf("customers[%d].%s: %v", i, key, err)
	}
	if err := c.checkEInvoice(i, cu, treatment); err != nil {
		return err
	}
	if key, err := checkDeal(cu); err != nil {
		return fmt.Errorf("customers[%d].%s: %v", i, key, err)
	}
	if err := c.checkDealPlaces(i, cu); err != nil {
		return err
	}
	if err := c.checkPlaces(i, cu); err != nil {
		return err
	}
	for j := range cu.VPS {
		if key, err := c.checkCustomerVPS(&cu.VPS[j], seen); err != nil {
			return fmt.Errorf("customers[%d].vps[%d].%s: %v", i, j, key, err)
		}
	}
	return nil
}

// checkTerms checks the customer's references and contact: a reference
// is one line of printable text, a contact says who.
func checkTerms(cu *Customer) (key string, err error) {
	for key, v := range map[string]string{"purchase_order": cu.PurchaseOrder, "contract": cu.Contract, "region": cu.Region} {
		if len(v) > 200 || strings.ContainsFunc(v, unicode.IsControl) {
			return key, fmt.Errorf("%.40q: at most 200 characters on one line", v)
		}
	}
	if ct := cu.Contact; ct != nil && ct.Name == "" && ct.Phone == "" && ct.Email == "" {
		return "contact", fmt.Errorf("name, phone or email")
	}
	return "", nil
}

// TaxRates are the configured rates, for tax.Decide.
func (c *Config) TaxRates() tax.Rates {
	return tax.Rates{Domestic: c.Tax.Rate, Consumer: c.Tax.ConsumerRates}
}

// checkEInvoice checks that what the customer's e-invoice format requires
// is configured, so no document is issued that its receiver rejects.
func (c *Config) checkEInvoice(i int, cu *Customer, treatment tax.Treatment) error {
	need := func(ok bool, key, why string) error {
		if ok {
			return nil
		}
		return fmt.Errorf("%s: missing; %s e-invoices require it (%s)", key, cu.EInvoice, why)
	}
	customer := fmt.Sprintf("customers[%d].", i)
	var errs []error
	switch cu.EInvoice {
	case "":
		cu.EInvoice = EInvoiceNone
	case EInvoiceNone, EInvoiceFacturX:
	case EInvoicePeppol:
		errs = append(errs,
			need(c.Issuer.Endpoint != nil, "issuer.endpoint", "the seller's electronic address, BT-34"),
			need(cu.Endpoint != nil, customer+"endpoint", "the buyer's electronic address, BT-49"))
	case EInvoiceXRechnungUBL, EInvoiceXRechnungCII:
		errs = append(errs,
			need(cu.BuyerReference != "", customer+"buyer_reference", "BR-DE-15: the Leitweg-ID or the buyer's reference, BT-10"),
			need(cu.Endpoint != nil, customer+"endpoint", "the buyer's electronic address, BT-49"),
			need(cu.Postcode != "", customer+"postcode", "BR-DE-9"),
			need(c.Issuer.Endpoint != nil, "issuer.endpoint", "the seller's electronic address, BT-34"),
			need(c.Issuer.Contact != nil, "issuer.contact", "BR-DE-2: the seller's contact with name, phone and email"),
			need(c.Issuer.Bank != nil, "issuer.bank", "BR-DE-1: payment instructions"))
	default:
		return fmt.Errorf("%seinvoice: %q is not xrechnung-ubl, xrechnung-cii, peppol, facturx or none", customer, cu.EInvoice)
	}
	if cu.EInvoice == EInvoicePeppol {
		for _, ep := range []struct {
			key string
			e   *Endpoint
		}{{"issuer.endpoint", c.Issuer.Endpoint}, {customer + "endpoint", cu.Endpoint}} {
			if ep.e != nil && ep.e.Scheme == "EM" {
				errs = append(errs, fmt.Errorf("%s.scheme: Peppol addresses are participant identifiers (0088, 9930, …), not e-mail (EM)", ep.key))
			} else if ep.e != nil && notPeppolEAS[ep.e.Scheme] {
				errs = append(errs, fmt.Errorf("%s.scheme: %s is not a scheme Peppol BIS 3 takes", ep.key, ep.e.Scheme))
			}
		}
	}
	// Not subject to VAT, the e-invoice may carry no VAT ID (BR-O-02):
	// the seller is known by its register entry (BT-30, BR-CO-26) and, in
	// XRechnung, its tax number (BR-DE-16).
	if treatment.Category == tax.NotSubject && cu.EInvoice != EInvoiceNone {
		errs = append(errs, need(c.Issuer.Register != nil, "issuer.register", "BR-CO-26: without a VAT ID the seller is identified by its register number"))
		if cu.EInvoice == EInvoiceXRechnungUBL || cu.EInvoice == EInvoiceXRechnungCII {
			errs = append(errs, need(c.Issuer.TaxNumber != "", "issuer.tax_number", "BR-DE-16: without a VAT ID the seller's tax number"))
		}
	}
	return errors.Join(errs...)
}

// checkPlaces checks that the customer's plan prices in whole minor units
// of its currency, so that every line's quantity times its unit price is
// its amount exactly (see pricing).
func (c *Config) checkPlaces(i int, cu *Customer) error {
	places := currency.InvoicePlaces(cu.Currency)
	p := c.Plan(cu.Plan)
	check := func(key string, d decimal.Decimal) error {
		if !d.Equal(d.Round(places)) {
			return fmt.Errorf("plans (%s).%s: %s has more decimals than customers[%d]'s currency %s bills (%d)", p.ID, key, d, i, cu.Currency, places)
		}
		return nil
	}
	errs := []error{check("monthly_fee", p.MonthlyFee)}
	for name, m := range p.Metrics {
		errs = append(errs, check("metrics."+name+".rate", m.Rate))
	}
	if p.P95 != nil {
		errs = append(errs, check("p95.rate_per_mbps", p.P95.RatePerMbps))
	}
	return errors.Join(errs...)
}

// checkEndpoint checks an electronic address, when given.
func checkEndpoint(e *Endpoint) error {
	if e == nil {
		return nil
	}
	if e.Scheme != "EM" && !easCodes[e.Scheme] {
		return fmt.Errorf("scheme %q is not EM or a code of the EAS code list such as 0088 or 9930", e.Scheme)
	}
	if e.ID == "" || len(e.ID) > 100 || strings.ContainsAny(e.ID, " \t") {
		return fmt.Errorf("id %q is not an address (1 to 100 characters, no spaces)", e.ID)
	}
	return nil
}

var bicPattern = regexp.MustCompile(`^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$`)

// icdPattern is an ISO 6523 International Code Designator.
var icdPattern = regexp.MustCompile(`^[0-9]{4}$`)

// checkIBAN checks an IBAN's form and its ISO 13616 check digits (mod 97),
// so a typo in the account customers pay to is caught before any invoice
// carries it.
func checkIBAN(iban string) error {
	if len(iban) < 15 || len(iban) > 34 || !tax.Country(iban[:2]) {
		return fmt.Errorf("%q is not an IBAN (country code, check digits, account; no spaces)", iban)
	}
	r := 0
	for _, ch := range iban[4:] + iban[:4] {
		switch {
		case '0' <= ch && ch <= '9':
			r = (r*10 + int(ch-'0')) % 97
		case 'A' <= ch && ch <= 'Z':
			r = (r*100 + int(ch-'A'+10)) % 97
		default:
			return fmt.Errorf("%q is not an IBAN (capital letters and digits only, no spaces)", iban)
		}
	}
	if r != 1 {
		return fmt.Errorf("%q: its check digits are wrong (a typo?)", iban)
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
	t, err := time.ParseInLocation("2006-01-02", s, c.loc)
	if err == nil && t.Year() < 1971 {
		// no RRD holds data from then, and 1970-01-01 would read as no bound
		return time.Time{}, fmt.Errorf("%s is before 1971", s)
	}
	return t, err
}

// Plan returns the plan with id.
// Customer is the customer of id, nil when there is none.
func (c *Config) Customer(id string) *Customer {
	for i := range c.Customers {
		if c.Customers[i].ID == id {
			return &c.Customers[i]
		}
	}
	return nil
}

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
