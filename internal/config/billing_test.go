package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const billingYAML = `timezone: Europe/Berlin
rrd_dir: rrds
state_dir: state
issuer: {name: "OpenVPS Hosting GmbH", address: ["Street 1"], postcode: "10115", city: Berlin, country: DE, vat_id: DE136695976}
invoice: {number_prefix: "INV-", due_days: 14, rounding: half-even}
hosts: [{name: host01, file: host01-uptime.rrd}]
tax: {rate: "0.19"}
plans:
  - id: standard
    monthly_fee: "20.00"
    prorate: true
    metrics:
      in: {unit: GB, included: "500", rate: "0.01"}
    p95: {included_mbps: 10, rate_per_mbps: "0.50"}
    sla: {target: 99.9, credits: [{below: 99.9, percent: "10"}, {below: 99.0, percent: 25}]}
customers:
  - id: C001
    name: "Müller & Söhne GmbH"
    address: ["Hauptstraße 5"]
    city: München
    country: DE
    vat_id: DE811569869
    currency: EUR
    plan: standard
    vps:
      - {name: vps00001, host: host01, active_from: 2026-10-15}
`

func TestBilling(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "billing.yaml")
	os.WriteFile(p, []byte(billingYAML), 0o644)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	pl := c.Plan("standard")
	if pl == nil || pl.MonthlyFee.String() != "20" || c.Tax.Rate.String() != "0.19" || pl.Name != "standard" || pl.Metrics["in"].Rate.String() != "0.01" ||
		pl.P95.IncludedMbps.String() != "10" || pl.SLA.Credits[1].Percent.String() != "25" {
		t.Fatalf("plan decoded as %+v", pl)
	}
	cu := c.Customers[0]
	if cu.Name != "Müller & Söhne GmbH" || cu.VATID != "DE811569869" || cu.VPS[0].File != filepath.Join(dir, "rrds", "vps00001.rrd") {
		t.Errorf("customer %+v", cu)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if !cu.VPS[0].From.Equal(time.Date(2026, 10, 15, 0, 0, 0, 0, berlin)) {
		t.Errorf("active_from %v", cu.VPS[0].From)
	}
	if c.StateDir != filepath.Join(dir, "state") || c.Invoice.Rounding != "half-even" || *c.ReviewCoverage != 0.99 {
		t.Errorf("settings %q %q %v", c.StateDir, c.Invoice.Rounding, *c.ReviewCoverage)
	}
}

func TestBillingErrors(t *testing.T) {
	for in, want := range map[string]string{
		"plan: standard\n":                     "currency",
		"currency: EUR\n    plan: gold\n":      `no plan "gold"`,
		"currency: euro\n    plan: standard\n": "ISO 4217",
	} {
		y := strings.Replace(billingYAML, "currency: EUR\n    plan: standard\n", in, 1)
		p := filepath.Join(t.TempDir(), "b.yaml")
		os.WriteFile(p, []byte(y), 0o644)
		if _, err := Load(p); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
	// ids that differ only in case name one customer to a spreadsheet's
	// filter, a case-blind file system and a mail client
	second := strings.NewReplacer("id: C001", "id: c001", "vps00001", "vps00002").Replace(billingYAML[strings.Index(billingYAML, "  - id: C001"):])
	twice := filepath.Join(t.TempDir(), "twice.yaml")
	os.WriteFile(twice, []byte(billingYAML+second), 0o644)
	if _, err := Load(twice); err == nil || !strings.Contains(err.Error(), `customers[1].id: "C001" and "c001" differ only in case`) {
		t.Errorf("customer ids C001 and c001: %v", err)
	}
	// the parties an invoice must name (art. 226)
	for _, c := range []struct{ old, new, want string }{
		{`name: "OpenVPS Hosting GmbH", `, "", "issuer.name: missing"},
		{`address: ["Street 1"], `, "", "issuer.address: missing"},
		{`, vat_id: DE136695976}`, "}", "issuer.vat_id: missing"},
		{`country: DE, vat_id`, `country: XX, vat_id`, `issuer.country: "XX" is not an ISO 3166 country code`},
		{`vat_id: DE136695976}`, `vat_id: FR32123456789}`, "issuer.vat_id: \"FR32123456789\" does not start with DE"},
		{"    vat_id: DE811569869\n", "", ""}, // a domestic customer's VAT ID is optional
		// the tax follows the customer's country and VAT ID
		{"    country: DE\n    vat_id: DE811569869\n", "    country: IE\n", "customers[0].country: a consumer in IE pays IE VAT (no vat_id given): set tax.consumer_rates.IE"},
		{"    country: DE\n    vat_id: DE811569869\n", "    country: IE\n    vat_id: IE1234567T\n", ""}, // reverse charge
		// the trial's typo: 0 % reverse charge on a VAT ID that cannot be one
		{"    country: DE\n    vat_id: DE811569869\n", "    country: IE\n    vat_id: IE638804\n", `customers[0].vat_id: "IE638804" is not a VAT ID of IE (IE and 7 digits and 1 or 2 letters)`},
		{"    vat_id: DE811569869\n", "    vat_id: DE811569868\n", `customers[0].vat_id: "DE811569868": its check digit is wrong`},
		{"    country: DE\n", "    country: Germany\n", `customers[0].country: "Germany" is not an ISO 3166 country code`},
		{"    vat_id: DE811569869\n", "    reverse_charge: true\n", "no longer set by hand"},
		{"    prorate: true\n", "    prorate: true\n    tax_rate: \"0.19\"\n", "plans[0].tax_rate: plans no longer carry tax: set tax.rate"},
		{`tax: {rate: "0.19"}`, `tax: {rate: "19"}`, "tax.rate: 19 is not in [0, 1]"},
		// money typos: a negative p95 rate would credit, a negative allowance charge below it
		{`rate_per_mbps: "0.50"`, `rate_per_mbps: "-0.50"`, "plans[0].p95.rate_per_mbps: -0.5 must be >= 0"},
		{`included_mbps: 10,`, `included_mbps: -10,`, "plans[0].p95.included_mbps: -10 must be >= 0"},
		// every amount goes through one validator, each error naming its key
		{`monthly_fee: "20.00"`, `monthly_fee: "-20.00"`, "plans[0].monthly_fee (standard): -20 must be >= 0"},
		{`included: "500"`, `included: "-500"`, "plans[0].metrics.in.included: -500 must be >= 0"},
		{`rate: "0.01"}`, `rate: "-0.01"}`, "plans[0].metrics.in.rate: -0.01 must be >= 0"},
		{`percent: "10"`, `percent: "-10"`, "plans[0].sla.credits[0].percent: -10 must be >= 0"},
		{`percent: 25`, `percent: 125`, "plans[0].sla.credits[1].percent: 125 is not in [0, 100]"},
		{`{below: 99.0,`, `{below: 0,`, "plans[0].sla.credits[1].below: 0 is not in (0, 100]"},
		{`tax: {rate: "0.19"}`, `tax: {rate: "-0.19"}`, "tax.rate: -0.19 must be >= 0"},
		{`tax: {rate: "0.19"}`, `tax: {rate: [{rate: "0.19"}, {valid_from: 2027-01, rate: "1.5"}]}`, "tax.rate[1].rate: 1.5 is not in [0, 1] (0.19 for 19 %)"},
		{`tax: {rate: "0.19"}`, `tax: {rate: "0.19", consumer_rates: {AT: "-0.2"}}`, "tax.consumer_rates.AT: -0.2 must be >= 0"},
		// what an e-invoice format needs is there before any number is given
		{"    plan: standard\n", "    plan: standard\n    einvoice: xrechnung-ubl\n", "customers[0].buyer_reference: missing; xrechnung-ubl e-invoices require it (BR-DE-15"},
		{"    plan: standard\n", "    plan: standard\n    einvoice: peppol\n", "issuer.endpoint: missing; peppol e-invoices require it"},
		{"    plan: standard\n", "    plan: standard\n    einvoice: zugferd\n", `customers[0].einvoice: "zugferd" is not`},
		{"    plan: standard\n", "    plan: standard\n    language: it\n", `customers[0].language: "it" is not one of en, de, fr, nl`},
		{`vat_id: DE136695976}`, `vat_id: DE136695976, endpoint: {scheme: EM, id: a@b.example}}`, ""},
		{`vat_id: DE136695976}`, `vat_id: DE136695976, endpoint: {scheme: EM, id: a@b.example}}` + "\n#", ""},
		{`vat_id: DE136695976}`, `vat_id: DE136695976, endpoint: {scheme: "9930", id: DE136695976}}`, ""},
		{`vat_id: DE136695976}`, `vat_id: DE136695976, endpoint: {scheme: "0001", id: x}}`, `issuer.endpoint: scheme "0001" is not EM or a code of the EAS code list`},
		{`vat_id: DE136695976}`, `vat_id: DE136695976, endpoint: {scheme: "0219", id: x}}` + "\n#", ""}, // CEN takes it
		{"    plan: standard\n", "    plan: standard\n    einvoice: peppol\n    endpoint: {scheme: \"0219\", id: x}\n", "customers[0].endpoint.scheme: 0219 is not a scheme Peppol BIS 3 takes"},
		{`vat_id: DE136695976}`, `vat_id: DE136695976, bank: {iban: DE89370400440532013001}}`, "issuer.bank.iban: \"DE89370400440532013001\": its check digits are wrong"},
		{`vat_id: DE136695976}`, `vat_id: DE136695976, bank: {iban: DE89370400440532013000, bic: "COBA DE"}}`, "issuer.bank.bic"},
		{`vat_id: DE136695976}`, `vat_id: DE136695976, bank: {iban: DE89370400440532013000}}`, ""},
		// every line's quantity × price must be its amount in the currency
		{"    currency: EUR\n", "    currency: JPY\n", "plans (standard).metrics.in.rate: 0.01 has more decimals than customers[0]'s currency JPY bills (0)"},
		{`monthly_fee: "20.00"`, `monthly_fee: "20.005"`, "plans (standard).monthly_fee: 20.005 has more decimals"},
		// delivery: plain text only on loopback, no password in the YAML, templates that run
		{"    plan: standard\n", "    plan: standard\n    email: not-an-address\n", `customers[0] (C001).email: "not-an-address" is not an e-mail address`},
		{"    plan: standard\n", "    plan: standard\n    email_cc: [a@b.example]\n", "customers[0] (C001).email: missing, and email_cc is set"},
		{"tax: {rate: \"0.19\"}", "tax: {rate: \"0.19\"}\nsmtp: {host: smtp.example.com, tls: none}", "smtp.tls: none sends passwords and invoices in plain text; it is allowed only to a loopback address"},
		{"tax: {rate: \"0.19\"}", "tax: {rate: \"0.19\"}\nsmtp: {host: smtp.example.com, username: u, password: secret}", "smtp.password: never in the config: smtp.password_file, or $BILLRUN_SMTP_PASSWORD"},
		{"tax: {rate: \"0.19\"}", "tax: {rate: \"0.19\"}\nsmtp: {host: smtp.example.com, tls: ssl}", `smtp.tls: "ssl" is not starttls, tls or none`},
		{"tax: {rate: \"0.19\"}", "tax: {rate: \"0.19\"}\nsend: {after_issue: true}", "send.after_issue: set, but there is no smtp server"},
		{"tax: {rate: \"0.19\"}", "tax: {rate: \"0.19\"}\nsend: {templates: {de: {subject: \"Rechnung {{.Nummer}}\"}}}", "send.templates.de.subject:"},
		{"tax: {rate: \"0.19\"}", "tax: {rate: \"0.19\"}\nsend: {retry_for: forever}", `send.retry_for: "forever" is not a duration`},
		{"tax: {rate: \"0.19\"}", "tax: {rate: \"0.19\"}\nsmtp: {host: \"::1\", tls: none}\nsend: {from: billing@openvps.example, templates: {fr: {subject: \"Facture {{.Number}}\"}}}", ""},
		// the contract's own terms: a discount, a price, charges
		{"    plan: standard\n", "    plan: standard\n    discount: {percent: \"10\", amount: \"5\", reason: x}\n", "customers[0].discount: give either percent or amount"},
		{"    plan: standard\n", "    plan: standard\n    discount: {percent: \"110\", reason: x}\n", "customers[0].discount.percent: 110 is not in (0, 100]"},
		{"    plan: standard\n", "    plan: standard\n    discount: {percent: \"10\"}\n", "customers[0].discount.reason: \"\": 1 to 60 characters"},
		{"    plan: standard\n", "    plan: standard\n    discount: {percent: \"10\", reason: x, code: \"999\"}\n", `customers[0].discount.code: "999" is not a UNCL 5189 allowance reason`},
		{"    plan: standard\n", "    plan: standard\n    discount: {amount: \"5.001\", reason: x}\n", "customers[0].discount.amount: 5.001 has more decimals than its currency EUR bills (2)"},
		{`monthly_fee: "20.00"`, "monthly_fee: \"20.00\"\n    discount: {amount: \"-5\", reason: x}", "plans[0].discount.amount: -5 must be > 0"},
		{"    plan: standard\n", "    plan: standard\n    price: {}\n", "customers[0].price: give monthly_fee or metrics"},
		{"    plan: standard\n", "    plan: standard\n    price: {metrics: {in: {included: \"1\", rate: \"1\"}}}\n", "customers[0].price.metrics.in.unit: required"},
		{"    plan: standard\n", "    plan: standard\n    price: {monthly_fee: \"-1\"}\n", "customers[0].price.monthly_fee: -1 must be >= 0"},
		{"    plan: standard\n", "    plan: standard\n    charges: [{description: Setup, amount: \"10\", from: November}]\n", `customers[0].charges[0].from: "November" is not a month such as 2026-11`},
		{"    plan: standard\n", "    plan: standard\n    charges: [{description: Setup, amount: \"10\", from: 2026-11, until: 2026-11}]\n", `customers[0].charges[0].until: "2026-11" is not a month after from 2026-11`},
		{"    plan: standard\n", "    plan: standard\n    charges: [{description: \"\", amount: \"10\", from: 2026-11}]\n", "customers[0].charges[0].description"},
		{"    plan: standard\n", "    plan: standard\n    charges: [{description: Setup, amount: \"-10\", from: 2026-11}]\n", "customers[0].charges[0].amount: -10 must be >= 0"},
		{"    plan: standard\n", "    plan: standard\n    charges: [{description: \"Setup ☃\", amount: \"10\", from: 2026-11}]\n", "charges[0].description: \"Setup ☃\" has characters no font"},
		{"    plan: standard\n", "    plan: standard\n    charges: [{description: Setup, amount: \"10\", from: 2026-11}]\n    discount: {percent: \"10\", reason: Rahmenvertrag}\n    price: {monthly_fee: \"15.00\"}\n", ""},
	} {
		y := strings.Replace(billingYAML, c.old, c.new, 1)
		if y == billingYAML {
			t.Fatalf("test edit %q changed nothing", c.old)
		}
		p := filepath.Join(t.TempDir(), "b.yaml")
		os.WriteFile(p, []byte(y), 0o644)
		_, err := Load(p)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%q → %q: error %v, want %q", c.old, c.new, err, c.want)
		}
	}
	p := filepath.Join(t.TempDir(), "b.yaml")
	os.WriteFile(p, []byte(strings.Replace(billingYAML, `monthly_fee: "20.00"`, `monthly_fee: "20,00"`, 1)), 0o644)
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "20,00") {
		t.Errorf("bad decimal: %v", err)
	}
}
