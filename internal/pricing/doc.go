// Package pricing turns usage and SLA figures into invoices: plans, rates,
// SLA credits, tax, and the invoice model (Invoice, with its own parties)
// that every document and the register are made from.
//
// Money is exact decimal (shopspring/decimal). Every line amount is rounded
// once, to the currency's minor unit (half-up by default, half-even when
// configured); subtotals and totals are sums of rounded lines, and the tax
// is rounded once per VAT rate. Figures from the RRDs (float64 totals) are
// turned into decimals exactly as printed in the usage JSON (shortest
// representation), so an invoice can be recomputed from usage.json.
//
// Per VPS, an invoice has: the plan's monthly fee (when the plan prorates,
// the calendar days the VPS was active at the daily price); for each priced
// metric, the quantity in the billing unit and the part above the included
// quantity at the plan's rate; 95th-percentile bandwidth above the
// included Mbps; and an SLA credit, a percentage of that VPS's fee line,
// from the lowest tier whose threshold the VPS's host's uptime is below.
// A line whose data covers less than review_coverage of the period is
// flagged for review instead of being billed silently on less data.
//
// Invoices are built as drafts (DraftID); the number a draft gets when it
// is issued (FormatNumber, from the config's number_format) is allocated
// by the register (internal/state), gap-free, once per document. A
// changed figure after issue is corrected by a credit note (CreditNote)
// and a replacement, never by changing what was issued.
package pricing
