package job

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/billrun/billrun/export"
	"github.com/billrun/billrun/export/document"
	"github.com/billrun/billrun/export/einvoice"
	"github.com/billrun/billrun/internal/atomicfile"
	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/inputfile"
	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/internal/pricing"
	"github.com/billrun/billrun/internal/state"
	"golang.org/x/sys/unix"
)

// IssueOptions say what billrun issue issues.
type IssueOptions struct {
	Config    *config.Config
	Period    period.Period
	Customers []string // only these customers' drafts; none: all
	// Accept issues these customers' held drafts too, recording who
	// accepted them (By, the OS user), when, and Note: why.
	Accept   []string
	Note, By string
	Wait     bool
	Now      func() time.Time // the clock: the issue date is its day in the config's zone
}

// IssueResult says what was issued.
type IssueResult struct {
	Issued    []state.Document
	Recovered []state.Document // issued by an earlier, interrupted billrun issue, completed now
	Held      []state.Draft    // waiting for a person: issued only with Accept
}

// Issue numbers and issues the period's waiting drafts. Each document is
// issued in three steps: its number is given and its data recorded as
// issuing (one transaction); its PDF and JSON are written, synced and made
// read-only under OUT/issued/<period>/; it is recorded as issued with the
// files' digests. A document found issuing (a kill between the steps) is
// completed first, from the data recorded with its number, to the same
// bytes. So a number is never given without its documents, and never to
// two.
func Issue(ctx context.Context, o IssueOptions) (*IssueResult, error) {
	cfg, p := o.Config, o.Period
	if cfg.OutDir == "" {
		return nil, fmt.Errorf("no output directory (out_dir in the config)")
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	if !p.Ended(now()) {
		return nil, fmt.Errorf("period %s has not ended: it ends at %s; only ended periods are issued", p.Label, p.End.Format(time.RFC3339))
	}
	issuedDir := IssuedDir(cfg)
	reg, done, err := openState(ctx, StateDir(cfg, cfg.OutDir), issuedDir, o.Wait)
	if err != nil {
		return nil, err
	}
	defer done()
	if err := reg.Check(ctx, false); err != nil {
		return nil, err
	}
	removeStaleIssued(issuedDir)
	fonts, err := readFonts(cfg)
	if err != nil {
		return nil, err
	}
	res := &IssueResult{}
	issuing, err := reg.Documents(ctx, state.DocumentFilter{Status: "issuing"})
	if err != nil {
		return nil, err
	}
	if err := claimIssued(ctx, reg, issuedDir, len(issuing)); err != nil {
		return nil, err
	}
	for _, d := range issuing {
		if d, err = complete(ctx, reg, d, fonts); err != nil {
			return nil, err
		}
		res.Recovered = append(res.Recovered, d)
	}
	drafts, err := issuable(ctx, reg, o)
	if err != nil {
		return res, err
	}
	if err := claimIssued(ctx, reg, issuedDir, len(drafts)); err != nil {
		return res, err
	}
	today := now().In(cfg.Location())
	for _, dr := range drafts {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		var accepted state.Acceptance
		if len(dr.Held) > 0 {
			if !slices.Contains(o.Accept, dr.CustomerID) {
				res.Held = append(res.Held, dr)
				continue
			}
			accepted = state.Acceptance{By: o.By, At: now().UTC().Format(time.RFC3339), Note: o.Note, Reasons: dr.Held}
		}
		d, err := issueDraft(ctx, reg, cfg, dr, today, fonts, accepted)
		if err != nil {
			return res, err
		}
		res.Issued = append(res.Issued, d)
	}
	// the manifest of the period, and of each whose documents this call
	// completed: written even when nothing was issued now, so one that an
	// interrupted issue left behind the register catches up
	periods := map[string]bool{p.Label: true}
	for _, d := range append(res.Recovered, res.Issued...) {
		periods[d.Period] = true
	}
	for _, label := range slices.Sorted(maps.Keys(periods)) { // in order: the first to fail is always the same
		if err := writeIssuedManifest(ctx, reg, filepath.Join(cfg.OutDir, "issued", label), label, cfg.Location()); err != nil {
			return res, err
		}
	}
	return res, nil
}

// claimIssued writes the register's identity beside the documents it
// issues, before the first of them, when it is about to issue n (a no-op
// for none, and once it is there).
func claimIssued(ctx context.Context, reg *state.Register, issuedDir string, n int) error {
	if n == 0 {
		return nil
	}
	id, err := reg.Identity(ctx)
	if err != nil {
		return err
	}
	return state.EnsureIdentityFile(issuedDir, id)
}

// removeStaleIssued removes the temporary files a killed or failed issue
// left in issuedDir's period directories (a document's file or a
// manifest being written); the caller holds the lock.
func removeStaleIssued(issuedDir string) {
	atomicfile.RemoveStale(issuedDir)
	ents, _ := os.ReadDir(issuedDir)
	for _, e := range ents {
		if e.IsDir() {
			atomicfile.RemoveStale(filepath.Join(issuedDir, e.Name()))
		}
	}
}

// issuable are the period's waiting drafts of the customers o selects,
// once each is known to be drafted from the config and files of now: a
// draft whose basis changed since billrun run made it refuses them all
// (a *StaleError naming each customer and what changed), because the
// change is likely one a person made for every customer.
func issuable(ctx context.Context, reg *state.Register, o IssueOptions) ([]state.Draft, error) {
	all, err := reg.Drafts(ctx, o.Period.Label, "waiting")
	if err != nil {
		return nil, err
	}
	var drafts []state.Draft
	stale := map[string][]string{}
	bs := newBases(o.Config.At(o.Period.Start))
	now := map[string]map[string]string{}
	for _, dr := range all {
		if len(o.Customers) > 0 && !slices.Contains(o.Customers, dr.CustomerID) {
			continue
		}
		if _, ok := now[dr.CustomerID]; !ok {
			now[dr.CustomerID] = bs.of(dr.CustomerID)
		}
		if changed := changedSince(dr.Basis, now[dr.CustomerID]); len(changed) > 0 {
			stale[dr.CustomerID] = changed
		}
		drafts = append(drafts, dr)
	}
	if len(stale) > 0 {
		if err := keepUnchanged(ctx, reg, o, drafts, stale); err != nil {
			return nil, err
		}
	}
	if len(stale) > 0 {
		return nil, &StaleError{Period: o.Period.Label, Stale: stale}
	}
	return drafts, nil
}

// keepUnchanged takes out of stale the customers whose drafts drafting
// again from the config and files of now would leave as they are: the
// same documents (content digests), with the same reasons to hold them.
// The figures are computed as billrun run computes them, and nothing is
// written.
func keepUnchanged(ctx context.Context, reg *state.Register, o IssueOptions, drafts []state.Draft, stale map[string][]string) error {
	current, err := reg.Current(ctx, o.Period.Label)
	if err != nil {
		return err
	}
	// AllowIncomplete: a late input is then one more reason to hold the
	// draft, which the comparison of reasons catches.
	b := &billing{o: Options{Config: o.Config.At(o.Period.Start), Period: o.Period, AllowIncomplete: true}, metrics: Metrics(o.Config),
		traffic: newDaemonTraffic(ctx, o.Config.DaemonTimeout())}
	if err := b.compute(ctx); err != nil {
		return err
	}
	if err := b.price(current); err != nil {
		return err
	}
	b.hold()
	again := map[string]state.Draft{}
	for _, d := range b.drafts {
		again[d.CustomerID+"/"+d.Kind] = d.Draft
	}
	changed := map[string]bool{}
	for _, dr := range drafts {
		a, ok := again[dr.CustomerID+"/"+dr.Kind]
		if !ok || a.ContentDigest != dr.ContentDigest || !slices.Equal(a.Held, dr.Held) {
			changed[dr.CustomerID] = true
		}
	}
	for id := range stale {
		if !changed[id] {
			delete(stale, id)
		}
	}
	return nil
}

// issueDraft gives a draft its number and issue date, recorded as issuing
// in one transaction, then writes its files and records it as issued;
// accepted is a person's decision to issue a held draft.
func issueDraft(ctx context.Context, reg *state.Register, cfg *config.Config, dr state.Draft, today time.Time, fonts *document.Fonts,
	accepted state.Acceptance) (state.Document, error) {
	var m model
	if err := json.Unmarshal([]byte(dr.Model), &m); err != nil {
		return state.Document{}, fmt.Errorf("draft of %s for %s: %w", dr.CustomerID, dr.Period, err)
	}
	if err := pricing.CheckTotals(&m.Invoice); err != nil {
		return state.Document{}, fmt.Errorf("draft of %s for %s not issued: %w", dr.CustomerID, dr.Period, err)
	}
	cancelled, err := cancelledBy(ctx, reg, dr)
	if err != nil {
		return state.Document{}, err
	}
	m.Invoice.CancelledBy = cancelled
	seq := state.LegacySequence
	if cfg.Invoice.NumberRestart == "yearly" {
		seq += "-" + strconv.Itoa(today.Year())
	}
	d, err := reg.Allocate(ctx, seq, func(n int) (state.Document, error) {
		number, err := pricing.FormatNumber(cfg.Invoice.NumberFormat, today.Year(), n)
		if err != nil {
			return state.Document{}, err
		}
		d, err := issuedDocument(cfg, dr, m, number, today)
		d.Accepted = accepted
		return d, err
	})
	if err != nil {
		return state.Document{}, err
	}
	if err := fault("allocated"); err != nil {
		return state.Document{}, err
	}
	return complete(ctx, reg, d, fonts)
}

// cancelledBy is, for a replacement, the issued credit note that cancels
// the invoice it replaces (issued just before it: a customer's credit
// note comes first), so that the replacement names both; nil otherwise.
func cancelledBy(ctx context.Context, reg *state.Register, dr state.Draft) (*pricing.Reference, error) {
	if dr.Kind != pricing.KindInvoice || dr.Corrects == "" {
		return nil, nil
	}
	cns, err := reg.Documents(ctx, state.DocumentFilter{Period: dr.Period, CustomerID: dr.CustomerID, Kind: pricing.KindCreditNote})
	if err != nil {
		return nil, err
	}
	for _, cn := range slices.Backward(cns) {
		if cn.Corrects == dr.Corrects {
			return &pricing.Reference{Number: cn.Number, IssueDate: cn.IssueDate}, nil
		}
	}
	return nil, nil
}

// issuedDocument is the register's row of draft dr issued today as number:
// its model, numbered and dated, and where its files go.
func issuedDocument(cfg *config.Config, dr state.Draft, m model, number string, today time.Time) (state.Document, error) {
	inv := m.Invoice
	inv.Number, inv.Status = number, pricing.StatusIssued
	inv.IssueDate = today.Format("2006-01-02")
	inv.DueDate = today.AddDate(0, 0, cfg.Invoice.DueDays).Format("2006-01-02")
	if inv.Kind == pricing.KindCreditNote {
		inv.DueDate = inv.IssueDate // nothing to pay
	}
	b, err := json.Marshal(model{Invoice: inv, Charts: m.Charts})
	if err != nil {
		return state.Document{}, err
	}
	taxes, _ := json.Marshal(inv.Taxes)
	dir := filepath.Join(cfg.OutDir, "issued", dr.Period)
	return state.Document{Number: number, Kind: inv.Kind, CustomerID: inv.CustomerID, Period: dr.Period,
		IssueDate: inv.IssueDate, DueDate: inv.DueDate, Currency: inv.Currency, Total: inv.Total.StringFixed(inv.Places), Taxes: string(taxes),
		Corrects: dr.Corrects, ContentDigest: dr.ContentDigest, Model: string(b),
		PDFPath: filepath.Join(dir, number+".pdf"), JSONPath: filepath.Join(dir, number+".json"), XMLPath: xmlPath(dir, number, inv.EInvoice)}, nil
}

// IssuedManifestName is the manifest of a period's issued documents.
const IssuedManifestName = "manifest.json"

// IssuedDocument is one issued document in the issued manifest: its files
// (PDF, JSON and the e-invoice XML when it is a file of its own) with
// their SHA-256, as the register holds them.
type IssuedDocument struct {
	Number     string   `json:"number"`
	Kind       string   `json:"kind"`
	CustomerID string   `json:"customer_id"`
	IssueDate  string   `json:"issue_date"`
	Corrects   string   `json:"corrects,omitempty"`
	Outputs    []Output `json:"outputs"`
}

// writeIssuedManifest writes dir's workbook and manifest.json from the
// register: every document of period issued so far, in number order.
// Both are rewritten (atomically) as documents are added, the documents
// never.
func writeIssuedManifest(ctx context.Context, reg *state.Register, dir, label string, loc *time.Location) error {
	docs, err := reg.Documents(ctx, state.DocumentFilter{Period: label, Status: "issued"})
	if err != nil || len(docs) == 0 {
		return err // nothing issued yet: no directory, no manifest
	}
	wb, err := writeIssuedWorkbook(dir, label, loc, docs)
	if err != nil {
		return err
	}
	b, err := issuedManifest(label, docs, wb)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, IssuedManifestName), b)
}

// issuedManifest is the manifest of period label's issued documents docs
// (in number order) and their workbook.
func issuedManifest(label string, docs []state.Document, workbook Output) ([]byte, error) {
	m := struct {
		Period    string           `json:"period"`
		Documents []IssuedDocument `json:"documents"`
		Workbook  Output           `json:"workbook"`
	}{Period: label, Documents: []IssuedDocument{}, Workbook: workbook}
	for _, d := range docs {
		e := IssuedDocument{Number: d.Number, Kind: d.Kind, CustomerID: d.CustomerID, IssueDate: d.IssueDate, Corrects: d.Corrects}
		for _, f := range documentFiles(d) {
			e.Outputs = append(e.Outputs, Output{Name: filepath.Base(f.path), SHA256: f.sha256})
		}
		m.Documents = append(m.Documents, e)
	}
	var b bytes.Buffer
	if err := export.JSON(&b, m); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// complete writes an issuing document's files from its recorded data and
// records it as issued.
func complete(ctx context.Context, reg *state.Register, d state.Document, fonts *document.Fonts) (state.Document, error) {
	files, err := render(d, fonts)
	if err != nil {
		return d, err
	}
	if err := os.MkdirAll(filepath.Dir(d.PDFPath), 0o755); err != nil {
		return d, err
	}
	sums := []*string{&d.PDFSHA256, &d.JSONSHA256, &d.XMLSHA256}
	for i, f := range files {
		if *sums[i], err = writeIssued(f.path, f.data); err != nil {
			return d, err
		}
	}
	if err := atomicfile.SyncDir(filepath.Dir(d.PDFPath)); err != nil {
		return d, err
	}
	if err := fault("synced"); err != nil {
		return d, err
	}
	if err := reg.Finish(ctx, d); err != nil {
		return d, err
	}
	d.Status = "issued"
	return d, fault("finished")
}

// issuedFile is one file of a document, rendered.
type issuedFile struct {
	path string
	data []byte
}

// render renders a document's files from the data recorded with its
// number: the PDF (the Factur-X invoice itself when that is its
// e-invoice), the JSON, and the e-invoice XML when it is a file of its
// own, in that order. The rendering is deterministic, so an issued file
// rendered again is the same bytes (billrun verify --restore).
func render(d state.Document, fonts *document.Fonts) ([]issuedFile, error) {
	m, err := recordedModel(d)
	if err != nil {
		return nil, err
	}
	var pdf, js, x bytes.Buffer
	pdfOf := document.PDF
	switch m.Invoice.EInvoice {
	case config.EInvoiceFacturX:
		pdfOf = document.FacturX // the PDF is the e-invoice
	case config.EInvoiceXRechnungUBL, config.EInvoicePeppol:
		if err := einvoice.UBL(&x, &m.Invoice); err != nil {
			return nil, fmt.Errorf("%s: %w", d.Number, err)
		}
	case config.EInvoiceXRechnungCII:
		if err := einvoice.CII(&x, &m.Invoice); err != nil {
			return nil, fmt.Errorf("%s: %w", d.Number, err)
		}
	}
	if err := pdfOf(&pdf, fonts.Prepare(&m.Invoice), m.Charts); err != nil {
		return nil, fmt.Errorf("%s: %w", d.Number, err)
	}
	if err := export.JSON(&js, m.Invoice); err != nil {
		return nil, fmt.Errorf("%s: %w", d.Number, err)
	}
	files := []issuedFile{{d.PDFPath, pdf.Bytes()}, {d.JSONPath, js.Bytes()}}
	if d.XMLPath != "" {
		files = append(files, issuedFile{d.XMLPath, x.Bytes()})
	}
	return files, nil
}

// xmlPath is where a document's e-invoice is written: <number>.xml for
// the XML formats; "" for none and for Factur-X, whose XML is inside the
// PDF.
func xmlPath(dir, number, format string) string {
	switch format {
	case config.EInvoiceXRechnungUBL, config.EInvoiceXRechnungCII, config.EInvoicePeppol:
		return filepath.Join(dir, number+".xml")
	}
	return ""
}

// writeIssued writes an issued document's file read-only (temporary file,
// sync, rename without replacing) and returns its SHA-256. A file already
// there is left as it is: when it is from the same document's interrupted
// issuing it holds the same bytes (the data it is rendered from was
// recorded with the number); when it holds others, it is another
// document's, and nothing is issued over it.
func writeIssued(path string, b []byte) (string, error) {
	sum := sha256.Sum256(b)
	digest := hex.EncodeToString(sum[:])
	if old, err := inputfile.ReadFile(path, int64(len(b))+1); err == nil && bytes.Equal(old, b) {
		return digest, fault("renamed " + filepath.Base(path))
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	os.Remove(tmp)
	if err := atomicfile.WriteSynced(tmp, b); err != nil {
		return "", err
	}
	defer os.Remove(tmp) // after a refused rename
	if err := fault("written " + filepath.Base(path)); err != nil {
		return "", err
	}
	if err := os.Chmod(tmp, 0o444); err != nil {
		return "", err
	}
	if err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, path, unix.RENAME_NOREPLACE); err != nil {
		if errors.Is(err, unix.EEXIST) {
			return "", fmt.Errorf("%s exists with other content: an issued file is never replaced (a register that was started anew gives the same numbers again? see billrun verify)", path)
		}
		return "", &os.LinkError{Op: "rename", Old: tmp, New: path, Err: err}
	}
	return digest, fault("renamed " + filepath.Base(path))
}
