package job

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/billrun/billrun/export/document"
	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/internal/pricing"
	"github.com/billrun/billrun/internal/state"
)

// model is what a draft or an issued document is rendered from, as the
// register keeps it: the invoice and its chart page.
type model struct {
	Invoice pricing.Invoice  `json:"invoice"`
	Charts  *document.Charts `json:"charts,omitempty"`
}

// pending is a draft to record with its model, held as values until it
// is saved, so that the models' JSON is not held through the rendering.
type pending struct {
	state.Draft // without its Model
	model       model
}

// record is the draft as the register keeps it, with its model's JSON.
func (d pending) record() (state.Draft, error) {
	b, err := json.Marshal(d.model)
	d.Draft.Model = string(b)
	return d.Draft, err
}

// drafts is what a run drafts for a period: the invoices it shows, the
// drafts it records, and the customers whose issued invoice differs from
// their figures now, corrected (changes) or, when only with --reprice,
// not (repriced).
type drafts struct {
	shown    []pricing.Invoice
	pending  []pending
	changes  []Change
	repriced []Repricing
}

// drafted turns the period's new invoices into what the run shows and
// the drafts it records. A customer with no issued invoice gets its draft.
// One whose issued invoice bills the same gets nothing new: the run shows
// the issued invoice. One whose figures changed gets a correction: a
// credit note reversing the issued invoice and a replacement that refers
// to it; but when a price or rate that priced the issued invoice changed
// without a new version, only with reprice.
func drafted(label string, built []pricing.Invoice, current map[string]state.Document, reprice bool, chartsOf func(customer string) *document.Charts) (drafts, error) {
	var out drafts
	add := func(inv pricing.Invoice, ch *document.Charts, corrects string) {
		out.shown = append(out.shown, inv)
		out.pending = append(out.pending, pending{state.Draft{Period: label, CustomerID: inv.CustomerID, Kind: inv.Kind, Corrects: corrects,
			ContentDigest: pricing.ContentDigest(inv)}, model{Invoice: inv, Charts: ch}})
	}
	for _, inv := range built {
		cur, issued := current[inv.CustomerID]
		if !issued {
			add(inv, chartsOf(inv.CustomerID), "")
			continue
		}
		var orig model
		if err := json.Unmarshal([]byte(cur.Model), &orig); err != nil {
			return drafts{}, fmt.Errorf("issued %s: its model: %w", cur.Number, err)
		}
		if pricing.BillingDigest(orig.Invoice) == pricing.BillingDigest(inv) {
			out.shown = append(out.shown, orig.Invoice)
			continue
		}
		if keys := repricedKeys(orig.Invoice, inv); len(keys) > 0 && !reprice {
			out.shown = append(out.shown, orig.Invoice)
			out.repriced = append(out.repriced, Repricing{CustomerID: inv.CustomerID, Issued: cur.Number, Keys: keys})
			continue
		}
		out.changes = append(out.changes, change(orig.Invoice, inv))
		ref := &pricing.Reference{Number: orig.Invoice.Number, IssueDate: orig.Invoice.IssueDate}
		add(pricing.CreditNote(orig.Invoice, pricing.DraftID(label, inv.CustomerID)+"-CN"), nil, cur.Number)
		inv.Corrects = ref
		add(inv, chartsOf(inv.CustomerID), cur.Number)
	}
	return out, nil
}

// Repricing is a customer whose issued invoice would be corrected because
// a price or rate that priced it changed in place: Keys name them ("plan
// standard", "tax.rate").
type Repricing struct {
	CustomerID, Issued string
	Keys               []string
}

// repricedKeys lists the prices and rates that priced old and price cur
// differently. An invoice issued before billrun recorded them names
// none: its correction goes ahead as before.
func repricedKeys(old, cur pricing.Invoice) []string {
	if old.PricedBy == nil {
		return nil
	}
	var keys []string
	for k, v := range cur.PricedBy {
		if o, ok := old.PricedBy[k]; !ok || o.Digest != v.Digest {
			keys = append(keys, k)
		}
	}
	for k := range old.PricedBy {
		if _, ok := cur.PricedBy[k]; !ok && strings.HasPrefix(k, "customer ") {
			keys = append(keys, k) // a customer's own price or charge taken away
		}
	}
	slices.Sort(keys)
	return keys
}

// change says how cur, the new figures, differ from old, the issued
// invoice.
func change(old, cur pricing.Invoice) Change {
	c := Change{CustomerID: cur.CustomerID, Issued: old.Number, OldTotal: old.Total.String(), NewTotal: cur.Total.String()}
	amounts := map[string]string{}
	for _, l := range old.Lines {
		amounts[l.Description] = l.Amount.String()
	}
	for _, l := range cur.Lines {
		if a, ok := amounts[l.Description]; !ok {
			c.Lines = append(c.Lines, fmt.Sprintf("%s: (none) -> %s", l.Description, l.Amount))
		} else if a != l.Amount.String() {
			c.Lines = append(c.Lines, fmt.Sprintf("%s: %s -> %s", l.Description, a, l.Amount))
		}
		delete(amounts, l.Description)
	}
	for _, l := range old.Lines {
		if a, ok := amounts[l.Description]; ok {
			c.Lines = append(c.Lines, fmt.Sprintf("%s: %s -> (none)", l.Description, a))
		}
	}
	return c
}

// lateInputs are the files among inputs last updated before p ended: their
// figures for p may be incomplete.
func lateInputs(inputs []Input, p period.Period) []string {
	var late []string
	for _, in := range inputs {
		if in.Error == "" && in.LastUpdate < p.End.Unix() {
			late = append(late, in.Path)
		}
	}
	return late
}
