package pricing

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/billrun/billrun/internal/period"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/report"
	"github.com/shopspring/decimal"
)

// Line is one invoice line.
type Line struct {
	VPS         string          `json:"vps"`
	Kind        string          `json:"kind"` // fee, usage, p95, sla_credit
	Description string          `json:"description"`
	Quantity    decimal.Decimal `json:"quantity"`
	Unit        string          `json:"unit"`
	UnitPrice   decimal.Decimal `json:"unit_price"`
	Amount      decimal.Decimal `json:"amount"`
	Review      bool            `json:"review,omitempty"`
}

// TaxLine is the taxable amount and tax of one VAT rate.
type TaxLine struct {
	Rate    decimal.Decimal `json:"rate"`
	Taxable decimal.Decimal `json:"taxable"`
	Tax     decimal.Decimal `json:"tax"`
}

// VPSTotal is one VPS's share of an invoice: its lines (net), and the
// invoice's VAT allocated to it by largest remainder, so the shares add up
// to the invoice exactly (for cost allocation per VPS).
type VPSTotal struct {
	VPS   string          `json:"vps"`
	Net   decimal.Decimal `json:"net"`
	Tax   decimal.Decimal `json:"tax"`
	Gross decimal.Decimal `json:"gross"`
}

// Kinds of document.
const (
	KindInvoice    = "invoice"
	KindCreditNote = "credit_note"
)

// Statuses of a document.
const (
	StatusDraft  = "draft"  // worked on, rerun freely, not sent; its number is a draft id
	StatusIssued = "issued" // numbered, dated, never changed again
)

// Reference names the issued invoice a credit note (or its replacement)
// corrects.
type Reference struct {
	Number    string `json:"number"`
	IssueDate string `json:"issue_date"`
}

// Invoice is one customer's invoice for a period, or a credit note.
type Invoice struct {
	Number        string          `json:"number"`
	Kind          string          `json:"kind"`
	Status        string          `json:"status"`
	Corrects      *Reference      `json:"corrects,omitempty"`
	CustomerID    string          `json:"customer_id"`
	Customer      config.Party    `json:"customer"`
	Issuer        config.Party    `json:"issuer"`
	Currency      string          `json:"currency"`
	PeriodStart   string          `json:"period_start"`
	PeriodEnd     string          `json:"period_end"`
	IssueDate     string          `json:"issue_date"`
	DueDate       string          `json:"due_date"`
	Lines         []Line          `json:"lines"`
	Fees          decimal.Decimal `json:"fees"`
	Usage         decimal.Decimal `json:"usage"`
	Credit        decimal.Decimal `json:"sla_credit"`
	Subtotal      decimal.Decimal `json:"subtotal"`
	Taxes         []TaxLine       `json:"taxes"`
	Total         decimal.Decimal `json:"total"`
	PerVPS        []VPSTotal      `json:"per_vps"`
	ReverseCharge bool            `json:"reverse_charge"`
	Notes         []string        `json:"notes,omitempty"`
	Review        bool            `json:"review"`
}

// Problem is something that kept a line or an invoice from being issued
// as computed.
type Problem struct {
	CustomerID string `json:"customer_id,omitempty"`
	VPS        string `json:"vps,omitempty"`
	File       string `json:"file,omitempty"`
	Problem    string `json:"problem"`
	// Blocking: the customer's invoice is not issued because of it (the
	// run is partial); otherwise it is for review.
	Blocking bool `json:"blocking,omitempty"`
}

// ReverseChargeNote is printed on invoices where the customer accounts for
// the VAT.
const ReverseChargeNote = "Reverse charge: VAT to be accounted for by the recipient (Art. 196 Council Directive 2006/112/EC)."

// Figures are the report results an invoice run prices, by VPS and host
// name; Failed holds the VPS and hosts whose files could not be read.
type Figures struct {
	Usage  map[string]*report.VPSUsage
	Hosts  map[string]*report.HostSLA
	Failed map[string]string // name -> error
}

// Book is what pricing needs to know: who issues, on what terms, the
// plans and the customers.
type Book struct {
	Issuer         config.Party
	Settings       config.InvoiceSettings
	Plans          []config.Plan
	Customers      []config.Customer
	ReviewCoverage float64 // a metric covered less than this is flagged for review
}

// BookOf is cfg's book.
func BookOf(cfg *config.Config) Book {
	b := Book{Issuer: cfg.Issuer, Settings: cfg.Invoice, Plans: cfg.Plans, Customers: cfg.Customers}
	if cfg.ReviewCoverage != nil { // always, once the config is validated
		b.ReviewCoverage = *cfg.ReviewCoverage
	}
	return b
}

func (b Book) plan(id string) *config.Plan {
	for i := range b.Plans {
		if b.Plans[i].ID == id {
			return &b.Plans[i]
		}
	}
	return nil
}

// Build prices every customer of the book for p. A customer with a VPS (or its
// host) whose file could not be read gets no invoice; the reason is in the
// problems. Invoices are in customer-id order, without numbers (see
// Numbers).
func Build(b Book, p period.Period, fig Figures) ([]Invoice, []Problem) {
	customers := append([]config.Customer(nil), b.Customers...)
	sort.Slice(customers, func(a, b int) bool { return customers[a].ID < customers[b].ID })
	var out []Invoice
	var problems []Problem
	for _, cu := range customers {
		inv, probs, ok := buildOne(b, p, fig, cu)
		problems = append(problems, probs...)
		if ok {
			out = append(out, inv)
		}
	}
	return out, problems
}

func buildOne(b Book, p period.Period, fig Figures, cu config.Customer) (Invoice, []Problem, bool) {
	plan := b.plan(cu.Plan)
	round := Rounding(b.Settings.Rounding)
	places := MinorUnits(cu.Currency)
	loc := p.Start.Location()
	issue := p.End.In(loc)
	inv := Invoice{
		Number: DraftID(p.Label, cu.ID), Kind: KindInvoice, Status: StatusDraft,
		CustomerID: cu.ID, Customer: cu.Party, Issuer: b.Issuer, Currency: cu.Currency,
		PeriodStart:   p.Start.In(loc).Format("2006-01-02"),
		PeriodEnd:     p.End.In(loc).AddDate(0, 0, -1).Format("2006-01-02"),
		IssueDate:     issue.Format("2006-01-02"),
		DueDate:       issue.AddDate(0, 0, b.Settings.DueDays).Format("2006-01-02"),
		ReverseCharge: cu.ReverseCharge, Lines: []Line{},
	}
	var problems []Problem
	for _, v := range cu.VPS {
		if _, active := p.Clip(v.From, v.Until); !active {
			continue // not this period's business
		}
		if e, bad := fig.Failed[v.Name]; bad {
			problems = append(problems, Problem{CustomerID: cu.ID, VPS: v.Name, File: v.File, Problem: "invoice not issued: " + e, Blocking: true})
		}
		if v.Host != "" {
			if e, bad := fig.Failed[v.Host]; bad {
				problems = append(problems, Problem{CustomerID: cu.ID, VPS: v.Name, Problem: "invoice not issued: host " + v.Host + ": " + e, Blocking: true})
			}
		}
	}
	if len(problems) > 0 {
		return inv, problems, false
	}
	span := p.End.Unix() - p.Start.Unix()
	minutes := span / 60
	vpsList := append([]config.CustomerVPS(nil), cu.VPS...)
	sort.Slice(vpsList, func(a, b int) bool { return vpsList[a].Name < vpsList[b].Name })
	for _, v := range vpsList {
		u := fig.Usage[v.Name]
		// Fee, prorated by active seconds.
		w, ok := p.Clip(v.From, v.Until)
		if !ok {
			continue // not active in this period
		}
		from, until := w.Start, w.End
		active := until.Unix() - from.Unix()
		share := decimal.NewFromInt(1)
		desc := fmt.Sprintf("Plan %s, %s", plan.ID, v.Name)
		if plan.Prorate && active < span {
			share = decimal.NewFromInt(active).Div(decimal.NewFromInt(span)).Round(6)
			desc += fmt.Sprintf(" (active %s – %s)", from.In(loc).Format("2006-01-02"), until.In(loc).AddDate(0, 0, -1).Format("2006-01-02"))
		}
		fee := Line{VPS: v.Name, Kind: "fee", Description: desc, Quantity: share, Unit: "month", UnitPrice: plan.MonthlyFee,
			Amount: round.Round(plan.MonthlyFee.Mul(share), places)}
		inv.Lines = append(inv.Lines, fee)
		inv.Fees = inv.Fees.Add(fee.Amount)
		// Usage above the included quantities, metrics in name order.
		names := make([]string, 0, len(plan.Metrics))
		for n := range plan.Metrics {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			mp := plan.Metrics[n]
			m, ok := u.Metrics.Get(n)
			if !ok {
				problems = append(problems, Problem{CustomerID: cu.ID, VPS: v.Name, Problem: "plan prices metric " + n + ", which the report does not have"})
				continue
			}
			qty, err := Convert(fromFloat(float64(m.Total)), m.Unit, mp.Unit, minutes)
			if err != nil {
				problems = append(problems, Problem{CustomerID: cu.ID, VPS: v.Name, Problem: err.Error()})
				continue
			}
			qty = qty.Round(3)
			over := decimal.Max(decimal.Zero, qty.Sub(mp.Included))
			l := Line{VPS: v.Name, Kind: "usage", Unit: mp.Unit, Quantity: over, UnitPrice: mp.Rate,
				Description: fmt.Sprintf("%s %s: %s %s used, %s included", v.Name, n, qty.String(), mp.Unit, mp.Included.String()),
				Amount:      round.Round(over.Mul(mp.Rate), places)}
			if m.Spikes > 0 {
				l.Review = true
				problems = append(problems, Problem{CustomerID: cu.ID, VPS: v.Name, File: u.File,
					Problem: fmt.Sprintf("%s: %d row(s) above the metric's limit (a counter reset?) not billed: line flagged for review", n, m.Spikes)})
			}
			if cov := float64(m.Coverage); math.IsNaN(cov) || cov < b.ReviewCoverage {
				l.Review = true
				problems = append(problems, Problem{CustomerID: cu.ID, VPS: v.Name, File: u.File,
					Problem: fmt.Sprintf("%s coverage %.4f below %.4f: line flagged for review", n, cov, b.ReviewCoverage)})
			}
			inv.Lines = append(inv.Lines, l)
			inv.Usage = inv.Usage.Add(l.Amount)
		}
		if plan.P95 != nil && u.P95 != nil && !math.IsNaN(float64(u.P95.Max)) {
			mbps := fromFloat(float64(u.P95.Max)).Div(decimal.NewFromInt(1_000_000)).Round(3)
			over := decimal.Max(decimal.Zero, mbps.Sub(plan.P95.IncludedMbps))
			l := Line{VPS: v.Name, Kind: "p95", Unit: "Mbps", Quantity: over, UnitPrice: plan.P95.RatePerMbps,
				Description: fmt.Sprintf("%s 95th percentile bandwidth: %s Mbps, %s included", v.Name, mbps, plan.P95.IncludedMbps),
				Amount:      round.Round(over.Mul(plan.P95.RatePerMbps), places)}
			inv.Lines = append(inv.Lines, l)
			inv.Usage = inv.Usage.Add(l.Amount)
		}
		// SLA credit from the host's uptime.
		if plan.SLA != nil && v.Host != "" {
			if h := fig.Hosts[v.Host]; h != nil && !math.IsNaN(float64(h.UptimePct)) {
				if pct, below, ok := creditTier(plan.SLA, float64(h.UptimePct)); ok {
					l := Line{VPS: v.Name, Kind: "sla_credit", Unit: "% of fee", Quantity: pct, UnitPrice: fee.Amount,
						Description: fmt.Sprintf("%s SLA credit: %s uptime %s %% below %s %%", v.Name, v.Host,
							strconv.FormatFloat(float64(h.UptimePct), 'f', 4, 64), strconv.FormatFloat(below, 'f', -1, 64)),
						Amount: round.Round(fee.Amount.Mul(pct).Div(decimal.NewFromInt(100)), places).Neg()}
					inv.Lines = append(inv.Lines, l)
					inv.Credit = inv.Credit.Add(l.Amount)
				}
			}
		}
	}
	for _, l := range inv.Lines {
		inv.Subtotal = inv.Subtotal.Add(l.Amount)
		inv.Review = inv.Review || l.Review
	}
	rate := plan.TaxRate
	if cu.ReverseCharge {
		rate = decimal.Zero
		inv.Notes = append(inv.Notes, ReverseChargeNote)
	}
	tax := round.Round(inv.Subtotal.Mul(rate), places)
	inv.Taxes = []TaxLine{{Rate: rate, Taxable: inv.Subtotal, Tax: tax}}
	inv.Total = inv.Subtotal.Add(tax)
	var weights []decimal.Decimal
	for _, l := range inv.Lines {
		if n := len(inv.PerVPS); n == 0 || inv.PerVPS[n-1].VPS != l.VPS {
			inv.PerVPS = append(inv.PerVPS, VPSTotal{VPS: l.VPS})
		}
		t := &inv.PerVPS[len(inv.PerVPS)-1]
		t.Net = t.Net.Add(l.Amount)
	}
	for _, t := range inv.PerVPS {
		weights = append(weights, decimal.Max(t.Net, decimal.Zero))
	}
	shares, err := Allocate(tax, weights, places)
	if err != nil {
		problems = append(problems, Problem{CustomerID: cu.ID, Problem: "tax allocation: " + err.Error()})
	}
	for i := range inv.PerVPS {
		if shares != nil {
			inv.PerVPS[i].Tax = shares[i]
		}
		inv.PerVPS[i].Gross = inv.PerVPS[i].Net.Add(inv.PerVPS[i].Tax)
	}
	return inv, problems, true
}

// creditTier returns the largest credit whose threshold uptime is below.
func creditTier(s *config.SLAPolicy, uptime float64) (pct decimal.Decimal, below float64, ok bool) {
	for _, t := range s.Credits {
		if uptime < t.Below && (!ok || t.Percent.GreaterThan(pct)) {
			pct, below, ok = t.Percent, t.Below, true
		}
	}
	return pct, below, ok
}

// fromFloat is the decimal of a float64's shortest representation, as the
// usage JSON prints it.
func fromFloat(f float64) decimal.Decimal {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return decimal.Zero
	}
	return decimal.RequireFromString(strconv.FormatFloat(f, 'g', -1, 64))
}
