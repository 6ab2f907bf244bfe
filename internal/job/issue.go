package job

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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
	reg, done, err := openState(ctx, StateDir(cfg, cfg.OutDir), o.Wait)
	if err != nil {
		return nil, err
	}
	defer done()
	fonts, err := readFonts(cfg)
	if err != nil {
		return nil, err
	}
	res := &IssueResult{}
	issuing, err := reg.Documents(ctx, state.DocumentFilter{Status: "issuing"})
	if err != nil {
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
		if err := writeIssuedManifest(ctx, reg, filepath.Join(cfg.OutDir, "issued", label), label); err != nil {
			return res, err
		}
	}
	return res, nil
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
	b := &billing{o: Options{Config: o.Config.At(o.Period.Start), Period: o.Period, AllowIncomplete: true}, metrics: Metrics(o.Config)}
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

// writeIssuedManifest writes dir's manifest.json from the register: every
// document of period issued so far, in number order. It is rewritten
// (atomically) as documents are added, the documents never.
func writeIssuedManifest(ctx context.Context, reg *state.Register, dir, label string) error {
	docs, err := reg.Documents(ctx, state.DocumentFilter{Period: label, Status: "issued"})
	if err != nil || len(docs) == 0 {
		return err // nothing issued yet: no directory, no manifest
	}
	m := struct {
		Period    string           `json:"period"`
		Documents []IssuedDocument `json:"documents"`
	}{Period: label, Documents: []IssuedDocument{}}
	for _, d := range docs {
		e := IssuedDocument{Number: d.Number, Kind: d.Kind, CustomerID: d.CustomerID, IssueDate: d.IssueDate, Corrects: d.Corrects,
			Outputs: []Output{{Name: filepath.Base(d.PDFPath), SHA256: d.PDFSHA256}, {Name: filepath.Base(d.JSONPath), SHA256: d.JSONSHA256}}}
		if d.XMLPath != "" {
			e.Outputs = append(e.Outputs, Output{Name: filepath.Base(d.XMLPath), SHA256: d.XMLSHA256})
		}
		m.Documents = append(m.Documents, e)
	}
	var b bytes.Buffer
	if err := export.JSON(&b, m); err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, IssuedManifestName), b.Bytes())
}

// complete writes an issuing document's files from its recorded data and
// records it as issued.
func complete(ctx context.Context, reg *state.Register, d state.Document, fonts *document.Fonts) (state.Document, error) {
	var m model
	if err := json.Unmarshal([]byte(d.Model), &m); err != nil {
		return d, fmt.Errorf("%s: its recorded data: %w", d.Number, err)
	}
	var pdf, js, x bytes.Buffer
	render := document.PDF
	switch m.Invoice.EInvoice {
	case config.EInvoiceFacturX:
		render = document.FacturX // the PDF is the e-invoice
	case config.EInvoiceXRechnungUBL, config.EInvoicePeppol:
		if err := einvoice.UBL(&x, &m.Invoice); err != nil {
			return d, fmt.Errorf("%s: %w", d.Number, err)
		}
	case config.EInvoiceXRechnungCII:
		if err := einvoice.CII(&x, &m.Invoice); err != nil {
			return d, fmt.Errorf("%s: %w", d.Number, err)
		}
	}
	if err := render(&pdf, fonts.Prepare(&m.Invoice), m.Charts); err != nil {
		return d, fmt.Errorf("%s: %w", d.Number, err)
	}
	if err := export.JSON(&js, m.Invoice); err != nil {
		return d, fmt.Errorf("%s: %w", d.Number, err)
	}
	if err := os.MkdirAll(filepath.Dir(d.PDFPath), 0o755); err != nil {
		return d, err
	}
	var err error
	if d.PDFSHA256, err = writeIssued(d.PDFPath, pdf.Bytes()); err != nil {
		return d, err
	}
	if d.JSONSHA256, err = writeIssued(d.JSONPath, js.Bytes()); err != nil {
		return d, err
	}
	if d.XMLPath != "" {
		if d.XMLSHA256, err = writeIssued(d.XMLPath, x.Bytes()); err != nil {
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
// sync, rename) and returns its SHA-256. A file already there is from the
// same document's interrupted issuing: the data it is rendered from was
// recorded with the number, so it is the same bytes, written again.
func writeIssued(path string, b []byte) (string, error) {
	tmp := path + ".tmp"
	os.Remove(tmp)
	if err := atomicfile.WriteSynced(tmp, b); err != nil {
		return "", err
	}
	if err := fault("written " + filepath.Base(path)); err != nil {
		return "", err
	}
	if err := os.Chmod(tmp, 0o444); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", err
	}
	if err := fault("renamed " + filepath.Base(path)); err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Verify checks every issued document's files against the digests the
// register holds; it returns the problems, one per file, naming it.
func Verify(ctx context.Context, cfg *config.Config) ([]string, error) {
	reg, err := state.Open(ctx, StateDir(cfg, cfg.OutDir))
	if err != nil {
		return nil, err
	}
	defer reg.Close()
	docs, err := reg.Documents(ctx, state.DocumentFilter{})
	if err != nil {
		return nil, err
	}
	var bad []string
	for _, d := range docs {
		if d.Status != "issued" {
			bad = append(bad, fmt.Sprintf("%s: being issued (billrun issue completes it)", d.Number))
			continue
		}
		files := [][2]string{{d.PDFPath, d.PDFSHA256}, {d.JSONPath, d.JSONSHA256}}
		if d.XMLPath != "" {
			files = append(files, [2]string{d.XMLPath, d.XMLSHA256})
		}
		for _, f := range files {
			b, err := inputfile.ReadFile(f[0], 1<<30)
			if err != nil {
				bad = append(bad, fmt.Sprintf("%s: %v", d.Number, err))
				continue
			}
			if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f[1] {
				bad = append(bad, fmt.Sprintf("%s: %s does not have the digest the register holds (sha256 %s)", d.Number, f[0], f[1]))
			}
		}
	}
	return bad, nil
}
