package job

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/billrun/billrun/internal/books"
	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/internal/pricing"
	"github.com/billrun/billrun/internal/state"
)

// Books are the books of the documents reg issued from the first day of
// from to the last of to, in cfg's time zone: a document counts in the
// period it was issued in (its tax point), whatever period it bills.
func Books(ctx context.Context, cfg *config.Config, reg *state.Register, from, to period.Period) (books.Books, error) {
	loc := cfg.Location()
	first, end := from.Start.In(loc).Format(time.DateOnly), to.End.In(loc).Format(time.DateOnly)
	docs, err := issuedDocuments(ctx, reg, state.DocumentFilter{Status: "issued"}, func(d state.Document) bool {
		return first <= d.IssueDate && d.IssueDate < end
	})
	if err != nil {
		return books.Books{}, err
	}
	return books.New(from.Label, to.Label, cfg.Issuer.Country, cfg.Issuer.Currency, docs), nil
}

// issuedDocuments are the documents of reg that f selects and keep keeps,
// with their recorded data.
func issuedDocuments(ctx context.Context, reg *state.Register, f state.DocumentFilter, keep func(state.Document) bool) ([]books.Document, error) {
	docs, err := reg.Documents(ctx, f)
	if err != nil {
		return nil, err
	}
	var out []books.Document
	for _, d := range docs {
		if !keep(d) {
			continue
		}
		m, err := recordedModel(d)
		if err != nil {
			return nil, err
		}
		out = append(out, books.Document{Period: d.Period, Invoice: m.Invoice})
	}
	return out, nil
}

// issuedInvoices are the documents issued for period label, in number
// order.
func issuedInvoices(ctx context.Context, reg *state.Register, label string) ([]pricing.Invoice, error) {
	docs, err := issuedDocuments(ctx, reg, state.DocumentFilter{Period: label, Status: "issued"}, func(state.Document) bool { return true })
	out := make([]pricing.Invoice, len(docs))
	for i, d := range docs {
		out[i] = d.Invoice
	}
	return out, err
}

// recordedModel is the data document d was issued from (and is rendered
// from again).
func recordedModel(d state.Document) (model, error) {
	var m model
	if err := json.Unmarshal([]byte(d.Model), &m); err != nil {
		return m, fmt.Errorf("%s: its recorded data: %w", d.Number, err)
	}
	return m, nil
}
