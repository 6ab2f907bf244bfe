package pricing

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/billrun/billrun/internal/period"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/currency"
	"github.com/billrun/billrun/internal/exchange"
	"github.com/billrun/billrun/internal/locale"
	"github.com/billrun/billrun/internal/tax"
	"github.com/billrun/billrun/report"
	"github.com/shopspring/decimal"
)

// Line is one invoice line. Quantity × UnitPrice is Amount exactly,
// always: fees are whole months, or days at a daily price in whole minor
// units; usage is billed in steps at which its rate comes to whole minor
// units; an SLA credit is one credit of its amount (quantity -1).
type Line struct {
	VPS         string          `json:"vps"`
	Kind        string          `json:"kind"` // fee, usage, p95, sla_credit
	Description string          `json:"description"`
	Quantity    decimal.Decimal `json:"quantity"`
	// Unit is the unit in the invoice's language ("Monat", "CPU hours"),
	// BillingUnit billrun's own name of it (month, day, GB, cpu-hours,
	// Mbps, credit, lump), the same in every language: what the finance
	// workbooks group by. Documents issued before billrun recorded it have
	// none (BillingUnitOf derives it).
	Unit        string `json:"unit"`
	BillingUnit string `json:"billing_unit,omitempty"`
	// UnitCode is the unit in UN/ECE Recommendation 20 (MON, DAY, E34 for
	// GB, …), as e-invoices carry it.
	UnitCode  string          `json:"unit_code"`
	UnitPrice decimal.Decimal `json:"unit_price"`
	Amount    decimal.Decimal `json:"amount"`
	// Review: the line's figures need a person's look before the invoice
	// is sent (the workbook and the run's problems say why). Customer
	// documents never show it.
	Review bool `json:"review,omitempty"`
}

// UsageItem is one priced metric of one VPS in the period: what was used
// and what the plan includes, shown on the invoice whether or not any of
// it is billed.
type UsageItem struct {
	VPS      string          `json:"vps"`
	Metric   string          `json:"metric"`
	Used     decimal.Decimal `json:"used"`
	Included decimal.Decimal `json:"included"`
	Unit     string          `json:"unit"`
	// Label and UnitLabel are the metric and its unit in the invoice's
	// language ("Ausgehender Datenverkehr", "GB-Monate"); a document
	// drafted before billrun had them shows the metric and unit.
	Label     string `json:"label,omitempty"`
	UnitLabel string `json:"unit_label,omitempty"`
}

// TaxLine is the taxable amount and tax of one VAT category and rate
// (EN 16931 BG-23), rounded once.
type TaxLine struct {
	Category string          `json:"category"` // S, AE, O
	Rate     decimal.Decimal `json:"rate"`
	Taxable  decimal.Decimal `json:"taxable"`
	Tax      decimal.Decimal `json:"tax"`
	Reason   string          `json:"reason_code,omitempty"` // VATEX code for AE and O
	Note     string          `json:"reason,omitempty"`      // its text, in the invoice's language
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

// Allowance is a discount on a whole invoice (EN 16931 BG-20): Amount
// (positive, taken off; BT-92) of Base (the lines' sum; BT-93), Percent
// of it when it is one (BT-94), for Reason (BT-97) with its UNCL 5189
// code (BT-98).
type Allowance struct {
	Reason  string           `json:"reason"`
	Code    string           `json:"reason_code"`
	Percent *decimal.Decimal `json:"percent,omitempty"`
	Base    decimal.Decimal  `json:"base"`
	Amount  decimal.Decimal  `json:"amount"`
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

// HomeVAT is an invoice's VAT in the issuer's home currency, converted at
// the ECB's reference rate of the tax point: 1 Currency = Rate of the
// invoice's currency, published for RateDay.
type HomeVAT struct {
	Currency string          `json:"currency"`
	VAT      decimal.Decimal `json:"vat"`
	Rate     decimal.Decimal `json:"rate"`
	RateDay  string          `json:"rate_day"`
}

// Invoice is one customer's invoice for a period, or a credit note. A
// credit note's amounts are negative: it is the original, reversed.
type Invoice struct {
	Number   string     `json:"number"`
	Kind     string     `json:"kind"`
	Status   string     `json:"status"`
	Corrects *Reference `json:"corrects,omitempty"`
	// CancelledBy is, on a replacement, the credit note that cancels the
	// invoice it replaces; set when the replacement is issued.
	CancelledBy    *Reference `json:"cancelled_by,omitempty"`
	CustomerID     string     `json:"customer_id"`
	Customer       Party      `json:"customer"`
	BuyerReference string     `json:"buyer_reference,omitempty"`
	PurchaseOrder  string     `json:"purchase_order,omitempty"` // BT-13
	Contract       string     `json:"contract,omitempty"`       // BT-12
	BuyerContact   *Contact   `json:"buyer_contact,omitempty"`  // BG-9
	Language       string     `json:"language"`
	EInvoice       string     `json:"einvoice"`
	Issuer         Issuer     `json:"issuer"`
	Currency       string     `json:"currency"`
	// Places is the number of decimals of every amount (the currency's
	// minor unit, at most 2).
	Places      int32           `json:"places"`
	DueDays     int             `json:"due_days"`
	PeriodStart string          `json:"period_start"`
	PeriodEnd   string          `json:"period_end"`
	IssueDate   string          `json:"issue_date"`
	DueDate     string          `json:"due_date"`
	Lines       []Line          `json:"lines"`
	UsageItems  []UsageItem     `json:"usage_summary"`
	Fees        decimal.Decimal `json:"fees"`
	Usage       decimal.Decimal `json:"usage"`
	Credit      decimal.Decimal `json:"sla_credit"`
	// Charges are the customer's extra charges (lines of kind charge);
	// Allowances its discount, and Discount their sum, taken off the
	// lines' sum to give Subtotal, the net the VAT is on.
	Charges    decimal.Decimal `json:"charges,omitzero"`
	Allowances []Allowance     `json:"allowances,omitempty"`
	Discount   decimal.Decimal `json:"discount,omitzero"`
	Subtotal   decimal.Decimal `json:"subtotal"`
	Taxes      []TaxLine       `json:"taxes"`
	// HomeVAT is the VAT in the issuer's home currency, for an invoice
	// in another (BT-6, BT-111).
	HomeVAT *HomeVAT        `json:"home_vat,omitempty"`
	Total   decimal.Decimal `json:"total"`
	PerVPS  []VPSTotal      `json:"per_vps"`
	Notes   []string        `json:"notes,omitempty"`
	Review  bool            `json:"review"`
	// PricedBy names the version of each price and rate that priced the
	// invoice, by key ("plan standard", "tax.rate"): a later run tells a
	// changed price from changed figures by it. Not part of the content.
	PricedBy map[string]PriceVersion `json:"priced_by,omitempty"`
}

// PriceVersion is the version of a price or rate that priced an invoice:
// its valid_from ("" for the first) and a digest of its terms.
type PriceVersion struct {
	ValidFrom string `json:"valid_from"`
	Digest    string `json:"digest"`
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

// Reason is the problem as a reason to look at the invoice: the VPS it is
// about, and what is wrong (without "invoice flagged for review").
func (p Problem) Reason() string {
	why := strings.TrimSuffix(p.Problem, ": invoice flagged for review")
	if p.VPS != "" {
		why = p.VPS + ": " + why
	}
	return why
}

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
	Issuer Issuer
	// Home is the issuer's home currency (issuer.currency; "" for none),
	// and Rates the ECB's rates to state VAT in it (nil: not configured).
	Home           string
	Rates          *exchange.Rates
	Tax            tax.Rates
	Settings       config.InvoiceSettings
	Plans          []config.Plan
	Customers      []config.Customer
	ReviewCoverage float64 // a metric covered less than this is flagged for review
	// Label names a metric in a language on the invoice
	// (config.MetricLabel); nil: the seed's labels, else the name.
	Label func(metric, lang string) string
}

// BookOf is cfg's book, without exchange rates (the caller reads them).
func BookOf(cfg *config.Config) Book {
	b := Book{Issuer: IssuerOf(cfg.Issuer), Home: cfg.Issuer.Currency, Tax: cfg.TaxRates(), Settings: cfg.Invoice, Plans: cfg.Plans, Customers: cfg.Customers,
		Label: cfg.MetricLabel}
	if cfg.ReviewCoverage != nil { // always, once the config is validated
		b.ReviewCoverage = *cfg.ReviewCoverage
	}
	return b
}

// label is metric as a customer reads it in lang.
func (b Book) label(metric, lang string) string {
	if b.Label != nil {
		return b.Label(metric, lang)
	}
	if l := locale.MetricLabel(lang, metric); l != "" {
		return l
	}
	return metric
}

func (b Book) plan(id string) *config.Plan {
	for i := range b.Plans {
		if b.Plans[i].ID == id {
			return &b.Plans[i]
		}
	}
	return nil
}

// NothingToBill is the problem of a customer with no active VPS and no
// charge in the period: it gets no draft, so no empty document is ever
// numbered.
const NothingToBill = "nothing to bill in the period (no active VPS, no charge): no draft"

// Build prices every customer of the book for p. A customer with a VPS (or its
// host) whose file could not be read gets no invoice, and one with nothing
// to bill none either; the reason is in the problems. Invoices are in customer-id order, numbered as drafts
// (DraftID): a number is given only when a draft is issued.
func Build(b Book, p period.Period, fig Figures) ([]Invoice, []Problem) {
	customers := append([]config.Customer(nil), b.Customers...)
	sort.Slice(customers, func(a, b int) bool { return customers[a].ID < customers[b].ID })
	var out []Invoice
	var problems []Problem
	for _, cu := range customers {
		inv, probs, ok := buildOne(b, p, fig, cu)
		problems = append(problems, probs...)
		switch {
		case ok && !Charges(&inv):
			problems = append(problems, Problem{CustomerID: cu.ID, Problem: NothingToBill})
		case ok:
			out = append(out, inv)
		}
	}
	return out, problems
}

// pricer prices one customer's invoice for a period, line by line; the
// lines and the problems met on the way accumulate in it.
type pricer struct {
	b        Book
	p        period.Period
	fig      Figures
	cu       config.Customer
	plan     *config.Plan
	round    Rounding
	places   int32
	lang     string
	inv      Invoice
	problems []Problem
}

// buildOne prices cu: a fee per active VPS, its usage and 95th percentile
// above what the plan includes, its SLA credit, then the taxes. ok is
// false when a file it needs could not be read or its tax treatment not
// decided: the problems say why.
func buildOne(b Book, p period.Period, fig Figures, cu config.Customer) (inv Invoice, problems []Problem, ok bool) {
	pr := &pricer{b: b, p: p, fig: fig, cu: cu, plan: planFor(b.plan(cu.Plan), cu.Price), round: Rounding(b.Settings.Rounding),
		places: currency.InvoicePlaces(cu.Currency), lang: cu.Language}
	pr.inv = pr.empty()
	treatment, ok := pr.blockers()
	if !ok {
		return pr.inv, pr.problems, false
	}
	vpsList := append([]config.CustomerVPS(nil), cu.VPS...)
	sort.Slice(vpsList, func(a, b int) bool { return vpsList[a].Name < vpsList[b].Name })
	for _, v := range vpsList {
		u := fig.Usage[v.Name]
		w, active := pr.window(v, u)
		if !active {
			continue
		}
		fee := pr.fee(v, w)
		pr.usage(v, u, w)
		pr.p95(v, u)
		pr.slaCredit(v, fee)
	}
	pr.charges()
	pr.discount()
	pr.taxes(treatment)
	pr.perVPS()
	return pr.inv, pr.problems, true
}

// window is the part of the period v is billed for: from the later of
// its active_from and its file's first row (a VPS is not billed for time
// before its data began) to its active_until. A file whose data begins
// after v's active_from day is noted for review; one with no data in the
// period is not billed, and noted.
func (pr *pricer) window(v config.CustomerVPS, u *report.VPSUsage) (period.Period, bool) {
	w, active := pr.p.Clip(v.From, v.Until)
	if !active || u == nil || u.DataFrom == 0 {
		return w, active
	}
	loc := pr.p.Start.Location()
	from := time.Unix(u.DataFrom, 0).In(loc)
	if !from.Before(w.End) {
		pr.problem(v, u.File, "no data in the period: not billed for it")
		return w, false
	}
	if !v.From.IsZero() && !from.Before(v.From.AddDate(0, 0, 1)) {
		pr.problem(v, u.File, fmt.Sprintf("data begins %s, after active_from %s: billed from its first row",
			from.Format("2006-01-02 15:04"), v.From.Format("2006-01-02")))
	}
	w.Start = from
	return w, true
}

// empty is the customer's invoice without lines: who, what period, when.
func (pr *pricer) empty() Invoice {
	cu, p := pr.cu, pr.p
	loc := p.Start.Location()
	issue := p.End.In(loc)
	return Invoice{
		Number: DraftID(p.Label, cu.ID), Kind: KindInvoice, Status: StatusDraft,
		CustomerID: cu.ID, Customer: partyOf(cu.Party), BuyerReference: cu.BuyerReference, Language: pr.lang, EInvoice: cu.EInvoice,
		PurchaseOrder: cu.PurchaseOrder, Contract: cu.Contract, BuyerContact: contactOf(cu.Contact),
		Issuer: pr.b.Issuer, Currency: cu.Currency, Places: pr.places, DueDays: pr.b.Settings.DueDays,
		PeriodStart: p.Start.In(loc).Format("2006-01-02"),
		PeriodEnd:   p.End.In(loc).AddDate(0, 0, -1).Format("2006-01-02"),
		IssueDate:   issue.Format("2006-01-02"),
		DueDate:     issue.AddDate(0, 0, pr.b.Settings.DueDays).Format("2006-01-02"),
		Lines:       []Line{}, UsageItems: []UsageItem{},
	}
}

// blockers notes what keeps the invoice from being drafted: a file of an
// active VPS, or of its host, that could not be read, and a tax treatment
// that cannot be decided. ok is false when there is any.
func (pr *pricer) blockers() (treatment tax.Treatment, ok bool) {
	cu := pr.cu
	for _, v := range cu.VPS {
		if _, active := pr.p.Clip(v.From, v.Until); !active {
			continue // not this period's business
		}
		if e, bad := pr.fig.Failed[v.Name]; bad {
			pr.problems = append(pr.problems, Problem{CustomerID: cu.ID, VPS: v.Name, File: v.File, Problem: "invoice not drafted: " + e, Blocking: true})
		}
		if v.Host != "" {
			if e, bad := pr.fig.Failed[v.Host]; bad {
				pr.problems = append(pr.problems, Problem{CustomerID: cu.ID, VPS: v.Name, Problem: "invoice not drafted: host " + v.Host + ": " + e, Blocking: true})
			}
		}
	}
	treatment, err := tax.Decide(pr.b.Issuer.Country, cu.Country, cu.VATID, pr.b.Tax)
	if err != nil { // the config's validation decided it once already
		pr.problems = append(pr.problems, Problem{CustomerID: cu.ID, Problem: "invoice not drafted: " + err.Error(), Blocking: true})
	}
	return treatment, len(pr.problems) == 0
}

// fee adds the plan's monthly fee for v, active in w: a whole month, or,
// when the plan prorates and v was active fewer days, those days at the
// daily price in whole minor units.
func (pr *pricer) fee(v config.CustomerVPS, w period.Period) Line {
	plan, lang, loc := pr.plan, pr.lang, pr.p.Start.Location()
	fee := Line{VPS: v.Name, Kind: "fee", Quantity: decimal.NewFromInt(1), Unit: locale.Unit(lang, "month"), BillingUnit: "month", UnitCode: "MON",
		UnitPrice: plan.MonthlyFee, Amount: plan.MonthlyFee, Description: locale.Text(lang, "fee_line", plan.Name, v.Name)}
	if active, days := w.Days(), pr.p.Days(); plan.Prorate && active < days {
		daily := pr.round.Round(plan.MonthlyFee.Div(decimal.NewFromInt(int64(days))), pr.places)
		fee.Quantity, fee.Unit, fee.BillingUnit, fee.UnitCode, fee.UnitPrice = decimal.NewFromInt(int64(active)), locale.Unit(lang, "days"), "day", "DAY", daily
		fee.Amount = daily.Mul(fee.Quantity)
		fee.Description = locale.Text(lang, "prorated", plan.Name, v.Name, active, days,
			locale.Date(lang, w.Start.In(loc).Format("2006-01-02")), locale.Date(lang, w.End.In(loc).AddDate(0, 0, -1).Format("2006-01-02")))
	}
	pr.inv.Lines = append(pr.inv.Lines, fee)
	pr.inv.Fees = pr.inv.Fees.Add(fee.Amount)
	return fee
}

// usage adds, for each metric the plan prices (in name order), the usage
// summary's item and a line for what is above the included quantity
// (prorated like the fee by the days of w, v's window, with
// prorate_included); spikes and low coverage flag the invoice for review.
func (pr *pricer) usage(v config.CustomerVPS, u *report.VPSUsage, w period.Period) {
	names := slices.Sorted(maps.Keys(pr.plan.Metrics))
	minutes := (pr.p.End.Unix() - pr.p.Start.Unix()) / 60
	active, days := w.Days(), pr.p.Days()
	part := pr.plan.ProratesIncluded() && active < days
	for _, n := range names {
		mp := pr.plan.Metrics[n]
		m, ok := u.Metrics.Get(n)
		if !ok {
			pr.problem(v, "", "plan prices metric "+n+", which the report does not have")
			continue
		}
		qty, err := Convert(fromFloat(float64(m.Total)), m.Unit, mp.Unit, minutes)
		if err != nil {
			pr.problem(v, "", err.Error())
			continue
		}
		qty = qty.Round(3)
		included := mp.Included
		if part {
			included = mp.Included.Mul(decimal.NewFromInt(int64(active))).Div(decimal.NewFromInt(int64(days))).Round(3)
		}
		label, unit := pr.b.label(n, pr.lang), locale.Unit(pr.lang, mp.Unit)
		pr.inv.UsageItems = append(pr.inv.UsageItems, UsageItem{VPS: v.Name, Metric: n, Used: qty, Included: included, Unit: mp.Unit,
			Label: label, UnitLabel: unit})
		review := pr.flagUsage(v, u, n, m)
		over := billable(qty.Sub(included), mp.Rate, pr.places)
		if !over.IsPositive() {
			continue // within the allowance: the usage summary shows it
		}
		desc := locale.Text(pr.lang, "usage_line", v.Name, label, locale.Quantity(pr.lang, mp.Included), unit)
		if part {
			desc = locale.Text(pr.lang, "usage_line_part", v.Name, label, locale.Quantity(pr.lang, mp.Included), unit, active, days,
				locale.Quantity(pr.lang, included), unit)
		}
		l := Line{VPS: v.Name, Kind: "usage", Unit: unit, BillingUnit: mp.Unit, UnitCode: UnitCode(mp.Unit), Quantity: over, UnitPrice: mp.Rate, Review: review,
			Description: desc, Amount: over.Mul(mp.Rate)}
		pr.inv.Lines = append(pr.inv.Lines, l)
		pr.inv.Usage = pr.inv.Usage.Add(l.Amount)
	}
}

// flagUsage notes what in metric n's figures needs a person's look (rows
// dropped as spikes, a coverage below review_coverage), flags the invoice
// for review, and says whether there was any.
func (pr *pricer) flagUsage(v config.CustomerVPS, u *report.VPSUsage, n string, m report.MetricUsage) bool {
	review := false
	if m.Spikes > 0 {
		review = true
		pr.problem(v, u.File, fmt.Sprintf("%s: %d row(s) above the metric's limit (a counter reset?) not billed: invoice flagged for review", n, m.Spikes))
	}
	if cov := float64(m.Coverage); math.IsNaN(cov) || cov < pr.b.ReviewCoverage {
		review = true
		pr.problem(v, u.File, fmt.Sprintf("%s coverage %.4f below %.4f: invoice flagged for review", n, cov, pr.b.ReviewCoverage))
	}
	pr.inv.Review = pr.inv.Review || review
	return review
}

// p95 adds a line for the 95th percentile of bandwidth above the plan's
// included Mbps; rows coarser than the plan's step flag the invoice.
func (pr *pricer) p95(v config.CustomerVPS, u *report.VPSUsage) {
	q := pr.plan.P95
	if q == nil || u.P95 == nil || math.IsNaN(float64(p95Of(u.P95, q.Direction))) {
		return
	}
	if u.P95.Coarse {
		pr.inv.Review = true
		pr.problem(v, u.File, fmt.Sprintf("p95: rows coarser than the plan's %d-second step (the period is older than the finest RRA): each stands for the steps it covers: invoice flagged for review", q.Step))
	}
	mbps := fromFloat(float64(p95Of(u.P95, q.Direction))).Div(decimal.NewFromInt(1_000_000)).Round(3)
	over := billable(mbps.Sub(q.IncludedMbps), q.RatePerMbps, pr.places)
	if !over.IsPositive() {
		return
	}
	l := Line{VPS: v.Name, Kind: "p95", Unit: locale.Unit(pr.lang, "Mbps"), BillingUnit: "Mbps", UnitCode: "E20", Quantity: over, UnitPrice: q.RatePerMbps,
		Description: locale.Text(pr.lang, "p95_line", v.Name, locale.Text(pr.lang, "p95_"+q.Direction), q.Step/60,
			locale.Quantity(pr.lang, mbps), locale.Quantity(pr.lang, q.IncludedMbps)),
		Amount: over.Mul(q.RatePerMbps)}
	pr.inv.Lines = append(pr.inv.Lines, l)
	pr.inv.Usage = pr.inv.Usage.Add(l.Amount)
}

// slaCredit adds the SLA credit from v's host's uptime: one credit
// (quantity -1) of a percentage of v's fee. Minutes without uptime data
// move the credit either way, so they flag the invoice for review.
func (pr *pricer) slaCredit(v config.CustomerVPS, fee Line) {
	h := pr.fig.Hosts[v.Host]
	if pr.plan.SLA == nil || v.Host == "" || h == nil {
		return
	}
	lang := pr.lang
	if h.GapMinutes > 0 {
		how := map[string]string{
			"down":   "counted as downtime (uptime_gaps: down)",
			"ignore": "left out of the uptime (uptime_gaps: ignore)",
			"evidence": fmt.Sprintf("(uptime_gaps: evidence): %s unmonitored, the host's VPS reporting data, left out of the uptime; the rest counted as downtime",
				strconv.FormatFloat(float64(h.UnmonitoredMinutes), 'f', -1, 64)),
		}[h.Gaps]
		pr.inv.Review = true
		pr.problem(v, h.File, fmt.Sprintf("host %s: %s minutes without uptime data %s: invoice flagged for review", v.Host,
			strconv.FormatFloat(float64(h.GapMinutes), 'f', -1, 64), how))
	}
	if math.IsNaN(float64(h.UptimePct)) {
		return
	}
	pct, below, ok := creditTier(pr.plan.SLA, float64(h.UptimePct))
	if !ok {
		return
	}
	credit := pr.round.Round(fee.Amount.Mul(pct).Div(decimal.NewFromInt(100)), pr.places)
	l := Line{VPS: v.Name, Kind: "sla_credit", Unit: locale.Unit(lang, "credit"), BillingUnit: "credit", UnitCode: "C62", Quantity: decimal.NewFromInt(-1), UnitPrice: credit,
		Description: locale.Text(lang, "sla_line", v.Name, locale.Quantity(lang, pct), locale.Number(lang, fee.Amount, pr.places), v.Host,
			locale.Number(lang, decimal.NewFromFloat(float64(h.UptimePct)), 4), locale.Quantity(lang, decimal.NewFromFloat(below))),
		Amount: credit.Neg()}
	pr.inv.Lines = append(pr.inv.Lines, l)
	pr.inv.Credit = pr.inv.Credit.Add(l.Amount)
}

// taxes adds up the lines less the discount and taxes the sum, rounded
// once, with the treatment's note.
func (pr *pricer) taxes(treatment tax.Treatment) {
	inv := &pr.inv
	inv.Subtotal = linesSum(inv.Lines).Sub(inv.Discount)
	tl := TaxLine{Category: treatment.Category, Rate: treatment.Rate, Taxable: inv.Subtotal, Reason: treatment.Reason,
		Tax: pr.round.Round(inv.Subtotal.Mul(treatment.Rate), pr.places)}
	switch treatment.Category {
	case tax.ReverseCharge:
		tl.Note = locale.Text(pr.lang, "reverse_short")
		inv.Notes = append(inv.Notes, locale.Text(pr.lang, "reverse_charge"))
	case tax.NotSubject:
		tl.Note = locale.Text(pr.lang, "not_subject_short")
		// outside the EU, a customer with neither VAT ID nor tax number is
		// taken for a consumer: the place of supply is then art. 59's
		// rather than art. 44's (docs/invoices.md)
		note := "not_subject"
		if inv.Customer.VATID == "" && inv.Customer.TaxNumber == "" {
			note = "not_subject_consumer"
		}
		inv.Notes = append(inv.Notes, locale.Text(pr.lang, note, locale.Country(pr.lang, pr.b.Issuer.Country)))
	}
	inv.Taxes = []TaxLine{tl}
	inv.Total = inv.Subtotal.Add(tl.Tax)
	pr.homeVAT(tl)
}

// homeVAT states the VAT of an invoice in another currency than the
// issuer's home currency in that one too (art. 230 Directive 2006/112/EC;
// BT-111), at the ECB's rate of the tax point: the period's last day, when
// a supply billed by the period is completed (art. 64(1)). Without a rate,
// the invoice is flagged for review, naming the currency and the day.
func (pr *pricer) homeVAT(tl TaxLine) {
	home, cur, day := pr.b.Home, pr.inv.Currency, pr.inv.PeriodEnd
	if home == "" || home == cur || tl.Tax.IsZero() {
		return
	}
	if pr.b.Rates == nil {
		pr.problems = append(pr.problems, Problem{CustomerID: pr.cu.ID,
			Problem: fmt.Sprintf("VAT in %s: no ECB rate for %s on %s: exchange_rates is not configured", home, cur, day)})
		return
	}
	r, err := pr.b.Rates.At(home, cur, day)
	if err != nil {
		pr.problems = append(pr.problems, Problem{CustomerID: pr.cu.ID, Problem: "VAT in " + home + ": " + err.Error()})
		return
	}
	vat := pr.round.Round(tl.Tax.DivRound(r.Units, 12), currency.InvoicePlaces(home))
	pr.inv.HomeVAT = &HomeVAT{Currency: home, VAT: vat, Rate: r.Units, RateDay: r.Day}
}

// perVPS shares the invoice out by VPS: each VPS's lines, and the tax
// allocated by largest remainder so the shares add up exactly.
func (pr *pricer) perVPS() {
	inv := &pr.inv
	for _, l := range inv.Lines {
		if n := len(inv.PerVPS); n == 0 || inv.PerVPS[n-1].VPS != l.VPS {
			inv.PerVPS = append(inv.PerVPS, VPSTotal{VPS: l.VPS})
		}
		t := &inv.PerVPS[len(inv.PerVPS)-1]
		t.Net = t.Net.Add(l.Amount)
	}
	var weights []decimal.Decimal
	for _, t := range inv.PerVPS {
		weights = append(weights, decimal.Max(t.Net, decimal.Zero))
	}
	if !inv.Discount.IsZero() {
		// the discount is shared like the tax, so the nets add up to
		// the invoice's net
		off, err := Allocate(inv.Discount, weights, pr.places)
		if err != nil {
			pr.problems = append(pr.problems, Problem{CustomerID: pr.cu.ID, Problem: "discount allocation: " + err.Error()})
		}
		for i := range off {
			inv.PerVPS[i].Net = inv.PerVPS[i].Net.Sub(off[i])
		}
	}
	shares, err := Allocate(inv.Taxes[0].Tax, weights, pr.places)
	if err != nil {
		pr.problems = append(pr.problems, Problem{CustomerID: pr.cu.ID, Problem: "tax allocation: " + err.Error()})
	}
	for i := range inv.PerVPS {
		if shares != nil {
			inv.PerVPS[i].Tax = shares[i]
		}
		inv.PerVPS[i].Gross = inv.PerVPS[i].Net.Add(inv.PerVPS[i].Tax)
	}
}

// problem notes a problem with v's figures (from file, when known).
func (pr *pricer) problem(v config.CustomerVPS, file, text string) {
	pr.problems = append(pr.problems, Problem{CustomerID: pr.cu.ID, VPS: v.Name, File: file, Problem: text})
}

// billable is a quantity above the allowance as it is billed: rounded
// (half up) to the finest step at which its rate comes to whole minor
// units, so quantity × rate is the amount exactly (a rate of 0.05 EUR
// bills whole units, 0.5 EUR tenths, 2 EUR hundredths), and at most
// three decimals. The config keeps rates to the currency's places.
func billable(over, rate decimal.Decimal, places int32) decimal.Decimal {
	if !over.IsPositive() {
		return decimal.Zero
	}
	step := places - decimals(rate)
	return over.Round(min(max(step, 0), 3))
}

// decimals is the number of decimals d needs (0.50 needs 1).
func decimals(d decimal.Decimal) int32 {
	n := max(-d.Exponent(), 0)
	for n > 0 && d.Equal(d.Round(n-1)) {
		n--
	}
	return n
}

// p95Of is the 95th percentile of the plan's direction, in bit/s.
func p95Of(p *report.P95, direction string) report.Num {
	switch direction {
	case "in":
		return p.In
	case "out":
		return p.Out
	case "sum":
		return p.Sum
	}
	return p.Max
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
