package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Document is an issued invoice or credit note as the register holds it.
// Status "issuing" is a number given whose documents are being written:
// the next billrun issue completes it, from Model.
type Document struct {
	Number, Kind, Status   string
	CustomerID, Period     string
	IssueDate, DueDate     string
	Currency, Total, Taxes string // Taxes: the VAT per rate, as JSON
	Corrects               string // the number a credit note or replacement corrects
	ContentDigest          string // pricing.ContentDigest of the invoice
	Model                  string // the document's data, as JSON: what its files are rendered from
	PDFPath, PDFSHA256     string
	JSONPath, JSONSHA256   string
	XMLPath, XMLSHA256     string // the e-invoice, when it is a file of its own
	Accepted               Acceptance
}

// Acceptance is a person's decision to issue a draft held for review:
// who (the OS user), when (RFC 3339, UTC), why, and the reasons it was
// held. Zero for a document that was never held.
type Acceptance struct {
	By, At, Note string
	Reasons      []string
}

// Draft is a document worked on and not yet issued.
type Draft struct {
	Period, CustomerID, Kind string
	Corrects                 string // for a correction: the issued number it corrects
	Status                   string // waiting or issued
	ContentDigest, Model     string
	// Held are the reasons a person should look at the draft before it is
	// issued (none: it is clean).
	Held []string
	// Basis is the digest, per part, of what made the draft (as JSON):
	// billrun issue compares it with the config and files of now.
	Basis string
}

// lines joins reasons one per line, as the register keeps them.
func lines(reasons []string) string { return strings.Join(reasons, "\n") }

// splitLines is lines undone.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

const documentColumns = `number, kind, status, customer_id, period, issue_date, due_date, currency, total, taxes,
	coalesce(corrects, ''), content_digest, model, pdf_path, coalesce(pdf_sha256, ''), json_path, coalesce(json_sha256, ''), xml_path, coalesce(xml_sha256, ''),
	accepted_by, accepted_at, accepted_note, accepted_reasons`

func scanDocument(s interface{ Scan(...any) error }) (Document, error) {
	var d Document
	var reasons string
	err := s.Scan(&d.Number, &d.Kind, &d.Status, &d.CustomerID, &d.Period, &d.IssueDate, &d.DueDate, &d.Currency, &d.Total, &d.Taxes,
		&d.Corrects, &d.ContentDigest, &d.Model, &d.PDFPath, &d.PDFSHA256, &d.JSONPath, &d.JSONSHA256, &d.XMLPath, &d.XMLSHA256,
		&d.Accepted.By, &d.Accepted.At, &d.Accepted.Note, &reasons)
	d.Accepted.Reasons = splitLines(reasons)
	return d, err
}

// DocumentFilter selects documents; empty fields select all.
type DocumentFilter struct {
	Period, CustomerID, Status, Kind string
}

// Documents lists the documents the filter selects, by number.
func (r *Register) Documents(ctx context.Context, f DocumentFilter) ([]Document, error) {
	q := "SELECT " + documentColumns + " FROM documents WHERE 1 = 1"
	var args []any
	for col, v := range map[string]string{"period": f.Period, "customer_id": f.CustomerID, "status": f.Status, "kind": f.Kind} {
		if v != "" {
			q += " AND " + col + " = ?"
			args = append(args, v)
		}
	}
	rows, err := r.db.QueryContext(ctx, q+" ORDER BY period, number", args...)
	if err != nil {
		return nil, r.errf(err, "list documents")
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, r.errf(err, "list documents")
		}
		out = append(out, d)
	}
	return out, r.errf(rows.Err(), "list documents")
}

// ErrNoDocument: no document has that number.
var ErrNoDocument = errors.New("no such document")

// Document is the document numbered number.
func (r *Register) Document(ctx context.Context, number string) (Document, error) {
	d, err := scanDocument(r.db.QueryRowContext(ctx, "SELECT "+documentColumns+" FROM documents WHERE number = ?", number))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("%s: %w", number, ErrNoDocument)
	}
	return d, r.errf(err, "read document "+number)
}

// Current is, per customer, the period's issued invoice that no credit
// note has reversed: what a new run of the period is compared with.
func (r *Register) Current(ctx context.Context, period string) (map[string]Document, error) {
	rows, err := r.db.QueryContext(ctx, "SELECT "+documentColumns+` FROM documents
		WHERE period = ? AND kind = 'invoice'
		AND number NOT IN (SELECT corrects FROM documents WHERE kind = 'credit_note' AND corrects IS NOT NULL)`, period)
	if err != nil {
		return nil, r.errf(err, "read issued invoices")
	}
	defer rows.Close()
	out := map[string]Document{}
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, r.errf(err, "read issued invoices")
		}
		out[d.CustomerID] = d
	}
	return out, r.errf(rows.Err(), "read issued invoices")
}

// SaveDrafts replaces the period's waiting drafts with drafts, in one
// transaction.
func (r *Register) SaveDrafts(ctx context.Context, period string, drafts []Draft) error {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return r.errf(err, "begin")
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "DELETE FROM drafts WHERE period = ? AND status = 'waiting'", period); err != nil {
		return r.errf(err, "save drafts")
	}
	for _, d := range drafts {
		_, err := tx.ExecContext(ctx, `INSERT INTO drafts (period, customer_id, kind, corrects, status, blocking, content_digest, model, held, basis)
			VALUES (?, ?, ?, ?, 'waiting', 0, ?, ?, ?, ?)
			ON CONFLICT (period, customer_id, kind, corrects) DO UPDATE SET status = 'waiting', content_digest = excluded.content_digest,
				model = excluded.model, held = excluded.held, basis = excluded.basis`,
			period, d.CustomerID, d.Kind, d.Corrects, d.ContentDigest, d.Model, lines(d.Held), d.Basis)
		if err != nil {
			return r.errf(err, "save drafts")
		}
	}
	return r.errf(tx.Commit(), "save drafts")
}

// Drafts lists drafts by period (all periods for ""), status ("" for
// any), in issuing order: credit notes before the invoices that replace
// what they reverse, then by customer.
func (r *Register) Drafts(ctx context.Context, period, status string) ([]Draft, error) {
	q := "SELECT period, customer_id, kind, corrects, status, content_digest, model, held, basis FROM drafts WHERE 1 = 1"
	var args []any
	if period != "" {
		q += " AND period = ?"
		args = append(args, period)
	}
	if status != "" {
		q += " AND status = ?"
		args = append(args, status)
	}
	rows, err := r.db.QueryContext(ctx, q+" ORDER BY period, customer_id, kind = 'invoice', corrects", args...)
	if err != nil {
		return nil, r.errf(err, "read drafts")
	}
	defer rows.Close()
	var out []Draft
	for rows.Next() {
		var d Draft
		var held string
		if err := rows.Scan(&d.Period, &d.CustomerID, &d.Kind, &d.Corrects, &d.Status, &d.ContentDigest, &d.Model, &held, &d.Basis); err != nil {
			return nil, r.errf(err, "read drafts")
		}
		d.Held = splitLines(held)
		out = append(out, d)
	}
	return out, r.errf(rows.Err(), "read drafts")
}

// HeldDrafts counts the waiting invoice drafts held for review (a
// correction's credit note is not counted apart from its replacement).
func (r *Register) HeldDrafts(ctx context.Context) (int, error) {
	var n int
	err := r.db.QueryRowContext(ctx, "SELECT count(*) FROM drafts WHERE status = 'waiting' AND kind = 'invoice' AND held != ''").Scan(&n)
	return n, r.errf(err, "count held drafts")
}

// DateError is an issue date before the latest the register holds: the
// clock went back, or a year's series would reopen after the next year's.
type DateError struct{ Date, Latest, Number string }

func (e *DateError) Error() string {
	return fmt.Sprintf("today is %s, before %s, the issue date of %s: issue dates never go backwards (is the clock right?)", e.Date, e.Latest, e.Number)
}

// Allocate gives the next number of sequence seq to the document that
// build makes of it and records the document as issuing, in one
// transaction: a number is never given without its document's data, and
// never twice. The sequence starts at 1. A document dated before the
// latest issue date of the register is a *DateError: numbers follow dates,
// and a yearly series is closed once the next year has a number.
func (r *Register) Allocate(ctx context.Context, seq string, build func(n int) (Document, error)) (Document, error) {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return Document{}, r.errf(err, "begin")
	}
	defer tx.Rollback()
	next := 1
	err = tx.QueryRowContext(ctx, "SELECT next FROM sequences WHERE name = ?", seq).Scan(&next)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Document{}, r.errf(err, "read sequence "+seq)
	}
	d, err := build(next)
	if err != nil {
		return Document{}, err
	}
	var latest, latestNumber string
	err = tx.QueryRowContext(ctx, "SELECT issue_date, number FROM documents ORDER BY issue_date DESC, rowid DESC LIMIT 1").Scan(&latest, &latestNumber)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Document{}, r.errf(err, "read the latest issue date")
	}
	if d.IssueDate < latest {
		return Document{}, &DateError{Date: d.IssueDate, Latest: latest, Number: latestNumber}
	}
	var corrects any
	if d.Corrects != "" {
		corrects = d.Corrects
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO documents (number, kind, status, customer_id, period, issue_date, due_date, currency, total, taxes,
		corrects, content_digest, model, pdf_path, json_path, xml_path, accepted_by, accepted_at, accepted_note, accepted_reasons)
		VALUES (?, ?, 'issuing', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.Number, d.Kind, d.CustomerID, d.Period, d.IssueDate, d.DueDate, d.Currency, d.Total, d.Taxes, corrects, d.ContentDigest, d.Model,
		d.PDFPath, d.JSONPath, d.XMLPath, d.Accepted.By, d.Accepted.At, d.Accepted.Note, lines(d.Accepted.Reasons))
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return Document{}, fmt.Errorf("register %s: number %s was given before (a number format that repeats itself?)", r.path, d.Number)
		}
		return Document{}, r.errf(err, "record document "+d.Number)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sequences (name, next) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET next = excluded.next`, seq, next+1); err != nil {
		return Document{}, r.errf(err, "advance sequence "+seq)
	}
	d.Status = "issuing"
	return d, r.errf(tx.Commit(), "record document "+d.Number)
}

// Finish records an issuing document as issued, with its files' digests,
// links it to the register's chain (chain.go) and records its draft
// (same period, customer, kind and correction) as issued, in one
// transaction.
func (r *Register) Finish(ctx context.Context, d Document) error {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return r.errf(err, "begin")
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "UPDATE documents SET status = 'issued', pdf_sha256 = ?, json_sha256 = ?, xml_sha256 = ? WHERE number = ?",
		d.PDFSHA256, d.JSONSHA256, d.XMLSHA256, d.Number); err != nil {
		return r.errf(err, "finish "+d.Number)
	}
	if err := link(ctx, tx, d.Number); err != nil {
		return r.errf(err, "chain "+d.Number)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE drafts SET status = 'issued' WHERE period = ? AND customer_id = ? AND kind = ? AND corrects = ?",
		d.Period, d.CustomerID, d.Kind, d.Corrects); err != nil {
		return r.errf(err, "finish "+d.Number)
	}
	return r.errf(tx.Commit(), "finish "+d.Number)
}
