package pricing

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/period"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/report"
	"github.com/rogpeppe/go-internal/diff"
	"github.com/shopspring/decimal"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/invoice")

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestRounding(t *testing.T) {
	for _, c := range []struct {
		r        Rounding
		in, want string
		places   int32
	}{
		{HalfUp, "0.125", "0.13", 2}, {HalfEven, "0.125", "0.12", 2}, {HalfEven, "0.135", "0.14", 2},
		{HalfUp, "-0.125", "-0.13", 2}, {HalfUp, "1234.5", "1235", 0}, {HalfEven, "1234.5", "1234", 0},
	} {
		if got := c.r.Round(d(c.in), c.places); !got.Equal(d(c.want)) {
			t.Errorf("%s(%s) = %s, want %s", c.r, c.in, got, c.want)
		}
	}
	if MinorUnits("JPY") != 0 || MinorUnits("EUR") != 2 || MinorUnits("KWD") != 3 {
		t.Error("minor units")
	}
}

func TestAllocate(t *testing.T) {
	parts, err := Allocate(d("100.00"), []decimal.Decimal{d("1"), d("1"), d("1")}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !parts[0].Equal(d("33.34")) || !parts[1].Equal(d("33.33")) || !parts[2].Equal(d("33.33")) {
		t.Errorf("100 over 3: %v", parts)
	}
	parts, _ = Allocate(d("-10.00"), []decimal.Decimal{d("2"), d("1")}, 2)
	if !parts[0].Equal(d("-6.67")) || !parts[1].Equal(d("-3.33")) {
		t.Errorf("-10 over 2:1: %v", parts)
	}
	for _, total := range []string{"0.05", "999.99", "1"} {
		ws := []decimal.Decimal{d("0.3"), d("0.3"), d("0.4"), d("7")}
		ps, _ := Allocate(d(total), ws, 2)
		s := decimal.Zero
		for _, p := range ps {
			s = s.Add(p)
		}
		if !s.Equal(d(total)) {
			t.Errorf("parts of %s add up to %s", total, s)
		}
	}
}

func TestConvert(t *testing.T) {
	for _, c := range []struct{ base, unit, total, want string }{
		{"bytes", "GB", "1500000000", "1.5"}, {"bytes", "GiB", "1073741824", "1"},
		{"ticks", "cpu-hours", "720000", "2"}, {"KB-minutes", "GB-hours", "60000000", "1"},
	} {
		got, err := Convert(d(c.total), c.base, c.unit, 44640)
		if err != nil || !got.Equal(d(c.want)) {
			t.Errorf("%s %s -> %s = %s, %v; want %s", c.total, c.base, c.unit, got, err, c.want)
		}
	}
	// 1 GB held for all 44640 minutes of October is 1 GB-month.
	if got, _ := Convert(d("44640").Mul(d("1e6")), "KB-minutes", "GB-months", 44640); !got.Equal(d("1")) {
		t.Errorf("GB-months: %s", got)
	}
	if _, err := Convert(d("1"), "bytes", "parsecs", 1); err == nil {
		t.Error("unknown unit accepted")
	}
}

const fleetYAML = `timezone: UTC
rrd_dir: ../../report/testdata/fixtures
issuer: {name: "OpenVPS Hosting GmbH", address: ["Street 1"], postcode: "10115", city: Berlin, country: DE, vat_id: DE136695976, email: billing@example.com}
metrics:
  - {name: ticks, ds: [vs_uticks, vs_sticks], kind: counter, unit: ticks}
  - {name: rss, ds: [vs_rss], kind: gauge, unit: KB-minutes}
  - {name: in, ds: [vs_in], kind: counter, unit: bytes, max_rate: 1.25e9}
  - {name: out, ds: [vs_out], kind: counter, unit: bytes, max_rate: 1.25e9}
hosts:
  - {name: host-a, file: host-a/file.rrd}
  - {name: host-b, file: host-b/file.rrd}
tax: {rate: "0.19"}
plans:
  - id: standard
    monthly_fee: "20.00"
    prorate: true
    metrics:
      in: {unit: GB, included: "100", rate: "0.05"}
      out: {unit: GB, included: "100", rate: "0.05"}
      ticks: {unit: cpu-hours, included: "100", rate: "0.10"}
      rss: {unit: GB-months, included: "0.1", rate: "4.00"}
    p95: {included_mbps: "1", rate_per_mbps: "0.75"}
    sla: {target: 99.99, credits: [{below: 99.999, percent: "5"}, {below: 99.995, percent: "10"}]}
  - id: yen
    monthly_fee: "3000"
    prorate: true
    metrics:
      in: {unit: GiB, included: "50", rate: "7"}
customers:
  - id: C001
    name: "Müller & Söhne GmbH"
    address: ["Hauptstraße 5"]
    postcode: "80331"
    city: München
    country: DE
    vat_id: DE811569869
    currency: EUR
    plan: standard
    vps: [{name: m-full, file: vps-full/file.rrd, host: host-a}]
  - id: C002
    name: "Łódź Hosting sp. z o.o."
    address: ["ul. Piotrkowska 1"]
    postcode: "90-001"
    city: Łódź
    country: PL
    vat_id: PL5260250274
    currency: EUR
    plan: standard
    vps: [{name: l-young, file: vps-young/file.rrd, host: host-b}]
  - id: C003
    name: "ООО «Рога и копыта»"
    address: ["ул. Ленина 1"]
    city: Москва
    country: RU
    currency: JPY
    plan: yen
    vps: [{name: k-parts, file: vps-parts/file.rrd, active_from: 2026-10-15}]
  - id: C004
    name: "Gone Ltd"
    city: London
    country: GB
    currency: GBP
    plan: standard
    vps: [{name: g-missing, file: missing/file.rrd}]
`

func buildFleet(t *testing.T, stateDir string) ([]Invoice, []Problem) {
	return buildFleetOf(t, fleetYAML)
}

// buildFleetOf prices the fleet of config y for October 2026.
func buildFleetOf(t *testing.T, y string) ([]Invoice, []Problem) {
	// Relative paths keep file names in the golden machine-independent.
	cfg, err := config.Parse([]byte(y), ".")
	if err != nil {
		t.Fatal(err)
	}
	p := period.Month(2026, time.October, time.UTC)
	var ms []report.Metric
	for _, m := range cfg.Metrics {
		ms = append(ms, report.Metric{Name: m.Name, DS: m.DS, Kind: report.MetricKind(m.Kind), Unit: m.Unit, MaxRate: m.MaxRate})
	}
	u, err := report.Usage(context.Background(), sources(cfg), p, ms, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := report.SLA(context.Background(), []report.Source{{Name: "host-a", File: cfg.Hosts[0].File}, {Name: "host-b", File: cfg.Hosts[1].File}}, p, 99.99, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fig := Figures{Usage: map[string]*report.VPSUsage{}, Hosts: map[string]*report.HostSLA{}, Failed: map[string]string{}}
	for i := range u.VPS {
		fig.Usage[u.VPS[i].Name] = &u.VPS[i]
	}
	for i := range s.Hosts {
		fig.Hosts[s.Hosts[i].Name] = &s.Hosts[i]
	}
	byFile := map[string]string{}
	for _, src := range sources(cfg) {
		byFile[src.File] = src.Name
	}
	for _, e := range u.Errors {
		fig.Failed[byFile[e.File]] = e.Error
	}
	invs, probs := Build(BookOf(cfg), p, fig)
	return invs, probs
}

func TestGoldenInvoices(t *testing.T) {
	invs, probs := buildFleet(t, t.TempDir())
	// as invoices.json ships (export.JSON): &, < and > as they are
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(struct {
		Invoices []Invoice `json:"invoices"`
		Problems []Problem `json:"problems"`
	}{invs, probs}); err != nil {
		t.Fatal(err)
	}
	got := b.Bytes()
	path := filepath.Join("..", "..", "testdata", "golden", "invoice", "oct2026.golden")
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		os.WriteFile(path, got, 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs:\n%s", path, diff.Diff(path, want, "got", got))
	}
	// Invariants, whatever the golden says.
	if len(invs) != 3 {
		t.Fatalf("%d invoices, want 3 (C004's file is missing)", len(invs))
	}
	for _, inv := range invs {
		s := decimal.Zero
		for _, l := range inv.Lines {
			if !l.Quantity.Mul(l.UnitPrice).Equal(l.Amount) {
				t.Errorf("%s: line %q: %s × %s is not %s", inv.Number, l.Description, l.Quantity, l.UnitPrice, l.Amount)
			}
			if l.Amount.IsZero() && l.Kind == "usage" {
				t.Errorf("%s: a usage line of nothing: %q", inv.Number, l.Description)
			}
			if !l.Amount.Equal(l.Amount.Round(MinorUnits(inv.Currency))) {
				t.Errorf("%s: line %q not rounded to the minor unit: %s", inv.Number, l.Description, l.Amount)
			}
			s = s.Add(l.Amount)
		}
		if !s.Equal(inv.Subtotal) || !inv.Total.Equal(inv.Subtotal.Add(inv.Taxes[0].Tax)) {
			t.Errorf("%s: subtotal %s (lines %s), total %s", inv.Number, inv.Subtotal, s, inv.Total)
		}
		g := decimal.Zero
		for _, v := range inv.PerVPS {
			g = g.Add(v.Gross)
		}
		if !g.Equal(inv.Total) || len(inv.PerVPS) == 0 {
			t.Errorf("%s: per-VPS gross adds up to %s, total %s", inv.Number, g, inv.Total)
		}
	}
	if c := invs[0].Taxes[0]; c.Category != "S" || c.Rate.String() != "0.19" || c.Tax.IsZero() {
		t.Errorf("domestic: %+v", c)
	}
	if c := invs[1].Taxes[0]; c.Category != "AE" || c.Reason != "VATEX-EU-AE" || !c.Tax.IsZero() || len(invs[1].Notes) != 1 {
		t.Errorf("reverse charge (PL): %+v %q", c, invs[1].Notes)
	}
	if c := invs[2].Taxes[0]; c.Category != "O" || c.Reason != "VATEX-EU-O" || !c.Tax.IsZero() {
		t.Errorf("outside the EU (RU): %+v", c)
	}
	// outside the EU with neither VAT ID nor tax number: a consumer, art.
	// 59; with a tax number, a business, art. 44
	if n := invs[2].Notes; len(n) != 1 || !strings.Contains(n[0], "Art. 59") {
		t.Errorf("outside the EU, a consumer: notes %q", n)
	}
	b2b, _ := buildFleetOf(t, strings.Replace(fleetYAML, "    city: Москва\n", "    city: Москва\n    tax_number: \"7707083893\"\n", 1))
	if n := b2b[2].Notes; len(n) != 1 || !strings.Contains(n[0], "Art. 44") || b2b[2].Taxes[0].Category != "O" {
		t.Errorf("outside the EU, a business: notes %q", n)
	}
	if l := invs[2].Lines[0]; l.Quantity.String() != "17" || l.UnitCode != "DAY" || l.UnitPrice.String() != "97" { // 3000 JPY / 31 days
		t.Errorf("prorated fee: %s %s at %s", l.Quantity, l.UnitCode, l.UnitPrice)
	}
	if len(invs[0].UsageItems) != 4 {
		t.Errorf("usage summary: %+v", invs[0].UsageItems)
	}
	// every line names its billing unit, and a line recorded without one
	// (issued before lines had it) is given the same one where its code
	// tells it
	for _, inv := range invs {
		for _, l := range inv.Lines {
			if l.BillingUnit == "" {
				t.Errorf("%s: line %q has no billing unit", inv.Number, l.Description)
			}
			old := l
			old.BillingUnit = ""
			if got := BillingUnitOf(old); got != l.BillingUnit && !(got == "" && l.UnitCode == "C62") {
				t.Errorf("%s: line %q (%s, %s): derived billing unit %q, want %q", inv.Number, l.Description, l.Kind, l.UnitCode, got, l.BillingUnit)
			}
		}
	}
	found := false
	for _, p := range probs {
		found = found || (p.CustomerID == "C004" && strings.Contains(p.Problem, "missing/file.rrd"))
	}
	if !found {
		t.Errorf("C004's unreadable file is not a problem: %+v", probs)
	}
}

// Drafts carry draft ids, not numbers; numbers are made from the format.
func TestDraftsAndNumbers(t *testing.T) {
	invs, _ := buildFleet(t, t.TempDir())
	for _, inv := range invs {
		if inv.Number != DraftID("2026-10", inv.CustomerID) || inv.Status != StatusDraft || inv.Kind != KindInvoice {
			t.Errorf("%s: number %q, status %q, kind %q", inv.CustomerID, inv.Number, inv.Status, inv.Kind)
		}
	}
	for _, c := range []struct {
		format string
		year   int
		seq    int
		want   string
	}{{"INV-{year}-{seq:05}", 2027, 42, "INV-2027-00042"}, {"R{seq}", 2027, 7, "R7"}, {"{year}/{seq:03}", 2026, 5, "2026/005"}} {
		if got, err := FormatNumber(c.format, c.year, c.seq); err != nil || got != c.want {
			t.Errorf("%s: %q %v, want %q", c.format, got, err, c.want)
		}
	}
}

// A credit note reverses its invoice line by line, every line's quantity
// × unit price still its amount, and refers to it; the content digest
// ignores what issuing sets and sees any change of money.
func TestCreditNoteAndDigest(t *testing.T) {
	invs, _ := buildFleet(t, t.TempDir())
	orig := invs[0]
	orig.Number, orig.Status, orig.IssueDate = "INV-2026-00007", StatusIssued, "2026-11-03"
	firstAmount := orig.Lines[0].Amount
	cn := CreditNote(orig, "DRAFT-2026-10-"+orig.CustomerID+"-CN")
	if cn.Kind != KindCreditNote || cn.Corrects == nil || cn.Corrects.Number != "INV-2026-00007" || cn.Corrects.IssueDate != "2026-11-03" {
		t.Fatalf("credit note %+v", cn.Corrects)
	}
	if !cn.Total.Equal(orig.Total.Neg()) || !cn.Subtotal.Equal(orig.Subtotal.Neg()) {
		t.Errorf("totals %s %s against %s %s", cn.Total, cn.Subtotal, orig.Total, orig.Subtotal)
	}
	sum := decimal.Zero
	for i, l := range cn.Lines {
		if !l.Amount.Equal(orig.Lines[i].Amount.Neg()) {
			t.Errorf("line %d: %s, want %s", i, l.Amount, orig.Lines[i].Amount.Neg())
		}
		sum = sum.Add(l.Amount)
	}
	if !sum.Equal(cn.Subtotal) {
		t.Errorf("lines add up to %s, subtotal %s", sum, cn.Subtotal)
	}
	if &cn.Lines[0] == &orig.Lines[0] || !orig.Lines[0].Amount.Equal(firstAmount) || firstAmount.IsZero() {
		t.Error("the credit note changed the invoice's lines")
	}
	a := invs[0]
	a.Number, a.IssueDate, a.Status = "X", "2030-01-01", StatusIssued
	if ContentDigest(a) != ContentDigest(invs[0]) {
		t.Error("the digest sees the number, date or status")
	}
	a.Lines = append([]Line(nil), a.Lines...)
	a.Lines[0].Amount = a.Lines[0].Amount.Add(decimal.New(1, -2))
	if ContentDigest(a) == ContentDigest(invs[0]) {
		t.Error("the digest misses a changed amount")
	}
}

// sources are the customers' VPS as the billing job lists them (in
// internal/job, which imports this package).
func sources(cfg *config.Config) []report.Source {
	var out []report.Source
	for _, cu := range cfg.Customers {
		var step int32
		if p := cfg.Plan(cu.Plan); p.P95 != nil {
			step = int32(p.P95.Step)
		}
		for _, v := range cu.VPS {
			out = append(out, report.Source{Name: v.Name, File: v.File, From: report.Bound(v.From), Until: report.Bound(v.Until), P95Step: step, FromData: true})
		}
	}
	slices.SortFunc(out, func(a, b report.Source) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// The 95th percentile is billed in the plan's direction, and the line says
// which and at what step.
func TestP95Direction(t *testing.T) {
	y := strings.Replace(fleetYAML, `p95: {included_mbps: "1", rate_per_mbps: "0.75"}`, `p95: {included_mbps: "1", rate_per_mbps: "0.75", direction: DIR, step: 600}`, 1)
	p95 := &report.P95{In: 3e6, Out: 5e6, Max: 6e6, Sum: 7e6, Step: 600}
	for dir, want := range map[string]string{"in": "2", "out": "4", "max": "5", "sum": "6"} {
		cfg, err := config.Parse([]byte(strings.Replace(y, "DIR", dir, 1)), ".")
		if err != nil {
			t.Fatal(err)
		}
		u := &report.VPSUsage{Name: "m-full", P95: p95}
		invs, _ := Build(BookOf(cfg), period.Month(2026, time.October, time.UTC), Figures{Usage: map[string]*report.VPSUsage{"m-full": u, "l-young": u, "k-parts": u, "g-missing": u}})
		var got *Line
		for i, l := range invs[0].Lines {
			if l.Kind == "p95" {
				got = &invs[0].Lines[i]
			}
		}
		if got == nil || got.Quantity.String() != want || !strings.Contains(got.Description, "10-minute") {
			t.Errorf("direction %s: %+v, want %s Mbps above the included", dir, got, want)
		}
	}
	if _, err := config.Parse([]byte(strings.Replace(y, "DIR", "both", 1)), "."); err == nil || !strings.Contains(err.Error(), "p95.direction") {
		t.Errorf("direction both: %v", err)
	}
	if _, err := config.Parse([]byte(strings.Replace(strings.Replace(y, "DIR", "in", 1), "step: 600", "step: 420", 1)), "."); err == nil || !strings.Contains(err.Error(), "p95.step") {
		t.Errorf("step 420: %v", err)
	}
}

// A VPS active part of the month gets its included quantities prorated
// like its fee (prorate_included follows prorate), the line saying so;
// prorate_included: false keeps the whole allowance.
func TestProrateIncluded(t *testing.T) {
	line := func(invs []Invoice) (Line, UsageItem) {
		for _, inv := range invs {
			for i, l := range inv.Lines {
				if l.VPS == "k-parts" && l.Kind == "usage" {
					return inv.Lines[i], inv.UsageItems[0]
				}
			}
		}
		t.Fatal("no usage line of k-parts")
		return Line{}, UsageItem{}
	}
	invs, _ := buildFleetOf(t, fleetYAML)
	l, item := line(invs)
	// active 15-31 October: 17 of 31 days of 50 GiB
	if !item.Included.Equal(decimal.RequireFromString("27.419")) || l.Description != "k-parts: Inbound traffic above the 50 GiB included (pro rata 17 of 31 days: 27.419 GiB)" ||
		!l.Quantity.Equal(billable(item.Used.Sub(item.Included), l.UnitPrice, 0)) {
		t.Errorf("prorated: %+v, %+v", l, item)
	}
	invs, _ = buildFleetOf(t, strings.Replace(fleetYAML, "    monthly_fee: \"3000\"\n    prorate: true\n", "    monthly_fee: \"3000\"\n    prorate: true\n    prorate_included: false\n", 1))
	l, item = line(invs)
	if !item.Included.Equal(decimal.NewFromInt(50)) || l.Description != "k-parts: Inbound traffic above the 50 GiB included" ||
		!l.Quantity.Equal(billable(item.Used.Sub(item.Included), l.UnitPrice, 0)) {
		t.Errorf("prorate_included false: %+v, %+v", l, item)
	}
}

// A VPS is billed and measured from the later of its active_from and its
// file's first row: a file that begins during the active_from day is no
// alarm, one that begins days later is noted, and either way the fee
// counts from the first row.
func TestWindowFromTheFirstRow(t *testing.T) {
	for _, c := range []struct {
		from, problem string
	}{
		{"2026-10-10", ""}, // vps-young's data begins 10 October, 06:00
		{"2026-10-05", "data begins 2026-10-10 06:10, after active_from 2026-10-05: billed from its first row"},
	} {
		y := strings.Replace(fleetYAML, "{name: l-young, file: vps-young/file.rrd, host: host-b}",
			"{name: l-young, file: vps-young/file.rrd, host: host-b, active_from: "+c.from+"}", 1)
		invs, probs := buildFleetOf(t, y)
		var got []string
		for _, p := range probs {
			if p.VPS == "l-young" && !strings.Contains(p.Problem, "row(s) above") && !strings.Contains(p.Problem, "host host-b") {
				got = append(got, p.Problem)
			}
		}
		if want := c.problem; strings.Join(got, "; ") != want {
			t.Errorf("active_from %s: problems %q, want %q", c.from, got, want)
		}
		for _, inv := range invs {
			if inv.CustomerID == "C002" && inv.Lines[0].Quantity.IntPart() != 22 {
				t.Errorf("active_from %s: fee %+v, want 22 of 31 days", c.from, inv.Lines[0])
			}
		}
	}
}

// Every document billrun drafts satisfies EN 16931's calculation rules,
// a credit note too, and CheckTotals names the rule a tampered one
// breaks.
func TestCheckTotals(t *testing.T) {
	invs, _ := buildFleet(t, "")
	if len(invs) < 3 {
		t.Fatalf("%d invoices", len(invs))
	}
	for _, inv := range invs {
		cn := CreditNote(inv, "CN")
		for _, d := range []*Invoice{&inv, &cn} {
			if err := CheckTotals(d); err != nil {
				t.Errorf("%s: %v", d.Number, err)
			}
		}
	}
	cent := decimal.New(1, -2)
	for want, edit := range map[string]func(*Invoice){
		"BR-16":                   func(inv *Invoice) { inv.Lines = nil },
		"is not its amount":       func(inv *Invoice) { inv.Lines[0].Amount = inv.Lines[0].Amount.Add(cent) },
		"BR-CO-10":                func(inv *Invoice) { inv.Subtotal = inv.Subtotal.Add(cent) },
		"BR-CO-17":                func(inv *Invoice) { inv.Taxes[0].Tax = inv.Taxes[0].Tax.Add(cent) },
		"BR-CO-14 to BR-CO-16":    func(inv *Invoice) { inv.Total = inv.Total.Add(cent) },
		"BR-CO-18":                func(inv *Invoice) { inv.Taxes = nil },
		"the VAT breakdown taxes": func(inv *Invoice) { inv.Taxes[0].Taxable = inv.Taxes[0].Taxable.Add(cent) },
	} {
		inv := invs[0]
		inv.Lines = append([]Line(nil), inv.Lines...)
		inv.Taxes = append([]TaxLine(nil), inv.Taxes...)
		edit(&inv)
		if err := CheckTotals(&inv); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", want, err)
		}
	}
}

// A customer with nothing to bill in the period (its only VPS ended
// before it) gets no invoice, and the problems say so.
func TestNothingToBill(t *testing.T) {
	y := fleetYAML + "  - {id: C005, name: Gone, city: Zürich, country: CH, currency: EUR, plan: standard, vps: [{name: e-old, file: vps-full/file.rrd, active_until: 2026-09-01}]}\n"
	y = strings.Replace(y, "vps: [{name: m-full, file: vps-full/file.rrd, host: host-a}]", "vps: [{name: m-full, file: vps-parts/file.rrd, host: host-a}]", 1)
	invs, probs := buildFleetOf(t, y)
	for _, inv := range invs {
		if inv.CustomerID == "C005" {
			t.Fatalf("an invoice for C005: %+v", inv)
		}
	}
	if !slices.ContainsFunc(probs, func(p Problem) bool { return p.CustomerID == "C005" && p.Problem == NothingToBill }) {
		t.Errorf("problems %+v", probs)
	}
}
