package job

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/billrun/billrun/export"
	"github.com/billrun/billrun/export/document"
	"github.com/billrun/billrun/internal/atomicfile"
	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/pricing"
	"github.com/billrun/billrun/internal/state"
	"github.com/billrun/billrun/report"
	"golang.org/x/sync/errgroup"
)

// billing is one period's run as its steps share it: compute fills the
// figures, price the documents, render the files of the run's temporary
// directory, and commit records the drafts and publishes the directory.
type billing struct {
	o       Options
	metrics []report.Metric
	traffic *daemonTraffic // with rrdcached: one bound for the run

	// compute's
	usage  *report.UsageReport
	sla    *report.SLAReport
	fig    pricing.Figures
	inputs []Input

	issued []pricing.Invoice // the period's issued documents, from the register

	// price's: the documents the run shows, the drafts it records
	invs     []pricing.Invoice
	drafts   []pending
	changes  []Change
	repriced []Repricing
	problems []pricing.Problem
	held     map[string][]string // customer id -> why its drafts wait for a person

	// render's
	tmp      string
	outputs  []Output
	manifest []byte
}

// outFile is one of the run's files and how to write it.
type outFile struct {
	name string
	fill func(io.Writer) error
}

// recorded is what the register holds of the period being billed.
type recorded struct {
	// current is each customer's issued invoice, which a draft that
	// bills differently corrects.
	current map[string]state.Document
	// issued are all the documents issued for the period (originals,
	// credit notes, replacements), which the workbook shows beside the
	// drafts.
	issued []pricing.Invoice
}

// bill computes, renders and publishes the period, under the lock when
// it is recorded (reg); save records the drafts before the directory is
// published.
func bill(ctx context.Context, o Options, traffic *daemonTraffic, reg recorded, save func([]state.Draft) error) (*Result, error) {
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		return nil, err
	}
	removeStale(o.OutDir, o.Period.Label)
	b := &billing{o: o, metrics: Metrics(o.Config), traffic: traffic, issued: reg.issued}
	if err := b.compute(ctx); err != nil {
		return nil, err
	}
	if err := b.price(reg.current); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(o.OutDir, "."+o.Period.Label+".tmp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)                      // after a swap, the old run
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it private
		return nil, err
	}
	b.tmp = tmp
	if err := b.render(ctx); err != nil {
		return nil, err
	}
	final := filepath.Join(o.OutDir, o.Period.Label)
	if err := b.commit(final, save); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b.manifest)
	partial := slices.ContainsFunc(b.problems, func(pr pricing.Problem) bool { return pr.Blocking })
	return &Result{Dir: final, Invoices: b.invs, Problems: b.problems, Partial: partial, Changes: b.changes, Repriced: b.repriced,
		ManifestDigest: "sha256:" + hex.EncodeToString(sum[:])}, nil
}

// compute reads the VPS files (or takes the merged usage given) and the
// hosts' files, and lists every input for the manifest, in path order.
func (b *billing) compute(ctx context.Context) error {
	cfg, p := b.o.Config, b.o.Period
	vps, hosts := VPSSources(cfg), HostSources(cfg)
	var step func()
	if b.o.Progress != nil {
		step = b.o.Progress(len(vps) + len(hosts))
	}
	var err error
	if b.o.Usage != nil {
		b.usage, err = givenUsage(b.o.Usage, p, vps, b.metrics)
	} else {
		b.usage, err = report.Usage(ctx, vps, p, b.metrics, report.Options{Daily: true, Progress: step, Open: b.traffic.open})
	}
	if err != nil {
		return err
	}
	if b.sla, err = report.SLA(ctx, hosts, p, Threshold(cfg), report.Options{Progress: step, Gaps: Gaps(cfg), Witnesses: Witnesses(cfg), Open: b.traffic.open}); err != nil {
		return err
	}
	if err := b.traffic.err(); err != nil {
		return err // a silent daemon: no figure from what it did not give
	}
	b.fig = pricing.Figures{Usage: map[string]*report.VPSUsage{}, Hosts: map[string]*report.HostSLA{}, Failed: map[string]string{}}
	b.inputs = []Input{}
	for i := range b.usage.VPS {
		u := &b.usage.VPS[i]
		b.fig.Usage[u.Name] = u
		b.inputs = append(b.inputs, Input{Kind: "vps", Name: u.Name, Path: u.File, Size: size(u.File), LastUpdate: u.LastUpdate, RRA: u.RRA})
	}
	for i := range b.sla.Hosts {
		h := &b.sla.Hosts[i]
		b.fig.Hosts[h.Name] = h
		b.inputs = append(b.inputs, Input{Kind: "host", Name: h.Name, Path: h.File, Size: size(h.File), LastUpdate: h.LastUpdate, RRA: h.RRA})
	}
	names := map[string]string{}
	for _, s := range append(vps, hosts...) {
		names[s.File] = s.Name
	}
	for _, e := range append(b.usage.Errors, b.sla.Errors...) {
		b.fig.Failed[names[e.File]] = e.Error
		b.inputs = append(b.inputs, Input{Kind: "unreadable", Name: names[e.File], Path: e.File, Error: e.Error})
	}
	sort.SliceStable(b.inputs, func(i, j int) bool { return b.inputs[i].Path < b.inputs[j].Path })
	return nil
}

// price builds every customer's invoice, flags the inputs last updated
// before the period's end (or refuses them without AllowIncomplete), and
// turns the invoices into drafts and corrections of what was issued.
func (b *billing) price(current map[string]state.Document) error {
	cfg, p := b.o.Config, b.o.Period
	book, err := bookOf(cfg)
	if err != nil {
		return err
	}
	built, problems := pricing.Build(book, p, b.fig)
	if late := lateInputs(b.inputs, p); len(late) > 0 {
		if !b.o.AllowIncomplete {
			return fmt.Errorf("%d input(s) were last updated before the end of %s (first: %s); bill it anyway with --allow-incomplete", len(late), p.Label, late[0])
		}
		for _, f := range late {
			problems = append(problems, pricing.Problem{File: f, Problem: "last updated before the end of the period: billed incomplete (--allow-incomplete)"})
		}
	}
	customers := map[string]*config.Customer{}
	for i := range cfg.Customers {
		customers[cfg.Customers[i].ID] = &cfg.Customers[i]
	}
	for i := range built {
		if cu := customers[built[i].CustomerID]; cu != nil {
			built[i].PricedBy = pricedBy(cfg, cu, p.Label)
		}
	}
	d, err := drafted(p.Label, built, current, b.o.Reprice, func(customer string) *document.Charts {
		return charts(cfg, customer, b.fig)
	})
	if err != nil {
		return err
	}
	b.invs, b.drafts, b.changes, b.repriced = d.shown, d.pending, d.changes, d.repriced
	for _, r := range d.repriced {
		problems = append(problems, pricing.Problem{CustomerID: r.CustomerID, Problem: fmt.Sprintf(
			"%s changed since %s was issued: not corrected (give the new terms a valid_from to bill them from a later period, or run with --reprice)",
			strings.Join(r.Keys, ", "), r.Issued)})
	}
	b.problems = problems
	if b.problems == nil {
		b.problems = []pricing.Problem{}
	}
	if b.invs == nil {
		b.invs = []pricing.Invoice{}
	}
	return nil
}

// render writes the run's files into b.tmp: the figures' files while the
// PDFs are rendered (on the core the PDFs' last ones leave idle), then the
// billing files, which list the documents drafted, and the manifest. A
// customer whose PDF cannot be made is a blocking problem: its documents
// are left out of everything.
func (b *billing) render(ctx context.Context) error {
	figures := []outFile{
		{"usage.json", func(w io.Writer) error { return export.UsageReportJSON(w, b.usage) }},
		{"sla.json", func(w io.Writer) error { return export.JSON(w, b.sla) }},
		{"usage.csv", func(w io.Writer) error { return export.UsageCSV(w, b.usage, b.metrics) }},
	}
	if err := os.Mkdir(filepath.Join(b.tmp, "invoices"), 0o755); err != nil {
		return err
	}
	fonts, err := readFonts(b.o.Config)
	if err != nil {
		return err
	}
	figuresDone := make(chan error, 1)
	go func() { figuresDone <- b.writeAll(ctx, figures) }()
	pdfs, err := b.renderPDFs(ctx, fonts)
	if ferr := <-figuresDone; ferr != nil {
		return ferr
	}
	if err != nil {
		return err
	}
	kept := b.dropBlocked(pdfs)
	b.hold()
	if err := b.writeAll(ctx, b.billingFiles()); err != nil {
		return err
	}
	b.outputs = append(b.outputs, kept...)
	return b.writeManifest()
}

// pdf is what rendering one document's PDF gave: its file, or its own
// error, and what of its text no font has.
type pdf struct {
	out     Output
	err     error
	lacking []string
}

// renderPDFs renders and writes every draft's PDF on every core, each
// straight to disk so that memory does not grow with the customers. The
// results are by the documents' index, so that the manifest's order is
// fixed; the error returned ends the run.
func (b *billing) renderPDFs(ctx context.Context, fonts *document.Fonts) ([]pdf, error) {
	res := make([]pdf, len(b.invs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range b.invs {
		inv := &b.invs[i]
		if inv.Status != pricing.StatusDraft {
			continue // an issued invoice the run did not change: its documents are issued/
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			var ch *document.Charts
			if inv.Kind == pricing.KindInvoice {
				ch = charts(b.o.Config, inv.CustomerID, b.fig)
			}
			text := fonts.Prepare(inv)
			res[i].lacking = text.Lacking
			var buf bytes.Buffer
			if err := document.PDF(&buf, text, ch); err != nil {
				res[i].err = err
				return nil
			}
			name := "invoices/" + inv.Number + ".pdf"
			if err := atomicfile.WriteNew(filepath.Join(b.tmp, name), buf.Bytes()); err != nil {
				return err
			}
			sum := sha256.Sum256(buf.Bytes())
			res[i].out = Output{Name: name, SHA256: hex.EncodeToString(sum[:])}
			return fault(name)
		})
	}
	return res, g.Wait()
}

// dropBlocked lists what each document's PDF shows as '?' as a problem,
// makes each PDF that could not be rendered a blocking one and removes
// its customer's documents (a credit note and its replacement go
// together) from the run; it returns the PDFs kept.
func (b *billing) dropBlocked(pdfs []pdf) []Output {
	blocked := map[string]bool{}
	for i, inv := range b.invs {
		for _, l := range pdfs[i].lacking {
			b.problems = append(b.problems, pricing.Problem{CustomerID: inv.CustomerID, Problem: inv.Number + ": the PDF shows ? for " + l})
		}
		if err := pdfs[i].err; err != nil {
			blocked[inv.CustomerID] = true
			b.problems = append(b.problems, pricing.Problem{CustomerID: inv.CustomerID, Problem: "invoice not drafted: " + inv.Number + ": " + err.Error(), Blocking: true})
		}
	}
	var kept []Output
	for i, inv := range b.invs {
		switch name := pdfs[i].out.Name; {
		case name == "":
		case blocked[inv.CustomerID]:
			os.Remove(filepath.Join(b.tmp, name))
		default:
			kept = append(kept, pdfs[i].out)
		}
	}
	b.invs = slices.DeleteFunc(b.invs, func(inv pricing.Invoice) bool { return blocked[inv.CustomerID] })
	b.drafts = slices.DeleteFunc(b.drafts, func(d pending) bool { return blocked[d.CustomerID] })
	return kept
}

// hold notes, on each draft, why a person should look at it before it is
// issued (then billrun issue holds it) and the basis it was made from.
func (b *billing) hold() {
	b.held = heldReasons(b.o.Config, b.problems)
	bs := newBases(b.o.Config)
	encoded := map[string]string{} // a correction's two drafts share it
	for i := range b.drafts {
		d := &b.drafts[i]
		d.Held = b.held[d.CustomerID]
		if _, ok := encoded[d.CustomerID]; !ok {
			encoded[d.CustomerID] = encodeBasis(bs.of(d.CustomerID))
		}
		d.Basis = encoded[d.CustomerID]
	}
}

// billingFiles are the workbook and invoices.json, which list the
// documents drafted.
func (b *billing) billingFiles() []outFile {
	cfg, p := b.o.Config, b.o.Period
	return []outFile{
		{"billing-" + p.Label + ".xlsx", func(w io.Writer) error {
			wb := &export.Workbook{Period: p, Invoices: b.invs, Issued: b.issued, Problems: b.problems, Usage: b.usage, SLA: b.sla, Metrics: b.metrics,
				CustomerOf: map[string]string{}, HostOf: map[string]string{}, Held: b.held, RRDDir: cfg.RRDDir}
			for _, cu := range cfg.Customers {
				for _, v := range cu.VPS {
					wb.CustomerOf[v.Name] = cu.ID
					wb.HostOf[v.Name] = v.Host
				}
			}
			return export.XLSX(w, wb)
		}},
		{"invoices.json", func(w io.Writer) error { return export.InvoicesJSON(w, b.invs, b.problems) }},
	}
}

// writeAll writes files into b.tmp in order, streaming each to its file
// and digesting it on the way, and notes each in b.outputs.
func (b *billing) writeAll(ctx context.Context, files []outFile) error {
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		h := sha256.New()
		err := atomicfile.CreateNew(filepath.Join(b.tmp, f.name), func(w io.Writer) error { return f.fill(io.MultiWriter(w, h)) })
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		b.outputs = append(b.outputs, Output{Name: f.name, SHA256: hex.EncodeToString(h.Sum(nil))})
		if err := fault(f.name); err != nil {
			return err
		}
	}
	return nil
}

// writeManifest writes manifest.json: every input and output, and the
// problems.
func (b *billing) writeManifest() error {
	man := Manifest{Version: b.o.Version, ConfigDigest: b.o.Config.Digest(), Period: b.usage.Period, Inputs: b.inputs, Outputs: b.outputs, Problems: b.problems}
	var mb bytes.Buffer
	if err := export.JSON(&mb, man); err != nil {
		return err
	}
	if err := atomicfile.WriteNew(filepath.Join(b.tmp, "manifest.json"), mb.Bytes()); err != nil {
		return err
	}
	b.manifest = mb.Bytes()
	return fault("manifest.json")
}

// commit syncs the run's directory, records its drafts (so that nothing
// is published that the register does not hold) and swaps it in as final.
func (b *billing) commit(final string, save func([]state.Draft) error) error {
	if err := atomicfile.SyncFS(b.tmp); err != nil {
		return err
	}
	if err := fault("sync"); err != nil {
		return err
	}
	records := make([]state.Draft, len(b.drafts))
	for i, d := range b.drafts {
		var err error
		if records[i], err = d.record(); err != nil {
			return err
		}
	}
	if err := save(records); err != nil {
		return err
	}
	return publish(b.tmp, final)
}
