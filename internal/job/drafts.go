package job

import (
	"encoding/json"
	"fmt"

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

// drafted turns the period's new invoices into what the run shows and
// the drafts it records. A customer with no issued invoice gets its draft.
// One whose issued invoice bills the same gets nothing new: the run shows
// the issued invoice. One whose figures changed gets a correction: a
// credit note reversing the issued invoice and a replacement that refers
// to it.
func drafted(label string, built []pricing.Invoice, current map[string]state.Document, chartsOf func(customer string) *document.Charts) (
	shown []pricing.Invoice, drafts []pending, changes []Change, err error) {
	add := func(inv pricing.Invoice, ch *document.Charts, corrects string) {
		shown = append(shown, inv)
		drafts = append(drafts, pending{state.Draft{Period: label, CustomerID: inv.CustomerID, Kind: inv.Kind, Corrects: corrects,
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
			return nil, nil, nil, fmt.Errorf("issued %s: its model: %w", cur.Number, err)
		}
		if cur.ContentDigest == pricing.ContentDigest(inv) {
			shown = append(shown, orig.Invoice)
			continue
		}
		changes = append(changes, change(orig.Invoice, inv))
		ref := &pricing.Reference{Number: orig.Invoice.Number, IssueDate: orig.Invoice.IssueDate}
		add(pricing.CreditNote(orig.Invoice, pricing.DraftID(label, inv.CustomerID)+"-CN"), nil, cur.Number)
		inv.Corrects = ref
		add(inv, chartsOf(inv.CustomerID), cur.Number)
	}
	return shown, drafts, changes, nil
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
