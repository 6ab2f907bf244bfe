package job

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/billrun/billrun/internal/inputfile"

	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/internal/rrdcached"
	"github.com/billrun/billrun/internal/state"

	"github.com/billrun/billrun/export"
	"github.com/billrun/billrun/export/document"
	"github.com/billrun/billrun/internal/atomicfile"
	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/pricing"
	"github.com/billrun/billrun/report"
	"golang.org/x/sync/errgroup"
)

// Options for one run.
type Options struct {
	Config *config.Config
	Period period.Period
	OutDir string
	// Record saves the run's drafts in the register and the period in the
	// ledger, and compares the period with what was issued of it (the
	// config's out_dir). Without it a run is a draft anywhere: no lock, no
	// register, no corrections.
	Record bool
	// Once refuses (state.ErrBilled) a period the ledger has: the scheduler's
	// runs. Without it a period is drafted again as often as asked.
	Once bool
	// AllowIncomplete bills a period some of whose inputs were last
	// updated before its end (flagged in the problems); without it that
	// is an error.
	AllowIncomplete bool
	Wait            bool             // wait for another run's lock instead of state.ErrLocked
	Now             func() time.Time // the clock, for the ledger (nil: time.Now)
	Version         string           // billrun version, for the manifest
	// Progress, when set, is told the number of files to read and then
	// called after each one (a progress bar on a terminal).
	Progress func(total int) func()
	// Usage, when set, is used instead of reading the VPS files: the
	// merged usage of shards (billrun merge), computed elsewhere.
	Usage *report.UsageReport
}

// Result says what a run did.
type Result struct {
	Dir            string
	Invoices       []pricing.Invoice
	Problems       []pricing.Problem
	Partial        bool   // some customer's invoice was not issued: not recorded
	ManifestDigest string // sha256 of manifest.json
	// Changes are the customers whose figures differ from their issued
	// invoice: each has a correction draft (credit note and replacement).
	Changes   []Change
	FilesRead int
	Duration  time.Duration
}

// Change is a customer whose new figures differ from the invoice issued.
type Change struct {
	CustomerID         string
	Issued             string // its number
	OldTotal, NewTotal string
	Lines              []string // the lines that differ, "description: old -> new"
}

// fault is a fault-injection point for tests: called at each step of
// writing and publishing (after each output file, "sync", "swap",
// "removed"); an error stops the run there, as a kill would.
var fault = func(step string) error { return nil }

// Input is one file read by the run, as the manifest records it.
type Input struct {
	Kind       string        `json:"kind"` // vps or host
	Name       string        `json:"name"`
	Path       string        `json:"path"`
	Size       int64         `json:"size"`
	LastUpdate int64         `json:"last_update"`
	RRA        []report.Part `json:"rra"`
	Error      string        `json:"error,omitempty"`
}

// Output is one written file with its digest.
type Output struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// Manifest describes a run's inputs and outputs.
type Manifest struct {
	Version      string            `json:"billrun_version"`
	ConfigDigest string            `json:"config_digest"`
	Period       report.PeriodJSON `json:"period"`
	Inputs       []Input           `json:"inputs"`
	Outputs      []Output          `json:"outputs"`
	Problems     []pricing.Problem `json:"problems"`
}

// Run bills o.Period: lock, flush, compute, render, publish, record.
func Run(ctx context.Context, o Options) (*Result, error) {
	cfg, p := o.Config, o.Period
	if o.OutDir == "" {
		return nil, errors.New("no output directory (out_dir in the config)")
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	started := now()
	if err := Check(cfg); err != nil {
		return nil, err
	}
	if !p.Ended(now()) {
		return nil, fmt.Errorf("period %s has not ended: it ends at %s; only ended periods are billed", p.Label, p.End.Format(time.RFC3339))
	}
	var reg *state.Register
	current := map[string]state.Document{}
	if o.Record {
		var done func()
		var err error
		if reg, done, err = openState(ctx, StateDir(cfg, o.OutDir), o.Wait); err != nil {
			return nil, err
		}
		defer done()
		ledger, err := reg.Periods(ctx)
		if err != nil {
			return nil, err
		}
		for _, e := range ledger {
			if e.Period == p.Label && o.Once {
				return nil, fmt.Errorf("%s: %w", p.Label, state.ErrBilled)
			}
		}
		if current, err = reg.Current(ctx, p.Label); err != nil {
			return nil, err
		}
	}
	local := LocalFiles(cfg)
	if err := rrdcached.FlushFiles(ctx, cfg.Daemon, local...); err != nil {
		return nil, err
	}
	// The drafts are recorded before the directory is published, so that
	// nothing is published that the register does not hold.
	save := func(drafts []state.Draft) error {
		if reg == nil {
			return nil
		}
		return reg.SaveDrafts(ctx, p.Label, drafts)
	}
	res, err := bill(ctx, o, current, save)
	if err != nil {
		return nil, err
	}
	res.FilesRead = len(local)
	res.Duration = now().Sub(started)
	if reg == nil {
		return res, nil
	}
	if res.Partial {
		return res, nil
	}
	err = reg.RecordPeriod(ctx, state.Entry{Period: p.Label, Start: p.Start.Format(time.RFC3339), End: p.End.Format(time.RFC3339),
		CompletedAt: now().UTC().Format(time.RFC3339), ManifestDigest: res.ManifestDigest, DurationSeconds: res.Duration.Seconds(),
		FilesRead: res.FilesRead, Invoices: len(res.Invoices), Problems: len(res.Problems)})
	if err != nil {
		return nil, fmt.Errorf("%s was drafted and published but not recorded in the ledger (a scheduled run drafts it again): %w", res.Dir, err)
	}
	return res, nil
}

// bill computes, renders and publishes the period, under the lock when
// it is recorded. current is each customer's issued invoice, which a
// draft that bills differently corrects; it returns the drafts to record.
func bill(ctx context.Context, o Options, current map[string]state.Document, save func([]state.Draft) error) (*Result, error) {
	cfg, p := o.Config, o.Period
	final := filepath.Join(o.OutDir, p.Label)
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		return nil, err
	}
	removeStale(o.OutDir, p.Label)

	metrics := Metrics(cfg)
	var err error
	vps := VPSSources(cfg)
	var step func()
	if o.Progress != nil {
		step = o.Progress(len(vps) + len(cfg.Hosts))
	}
	var usage *report.UsageReport
	if o.Usage != nil {
		if usage, err = givenUsage(o.Usage, p, vps, metrics); err != nil {
			return nil, err
		}
	} else if usage, err = report.Usage(ctx, vps, p, metrics, report.Options{Daily: true, Progress: step, Open: OpenSource}); err != nil {
		return nil, err
	}
	sla, err := report.SLA(ctx, HostSources(cfg), p, Threshold(cfg), report.Options{Progress: step, GapsDown: GapsDown(cfg), Open: OpenSource})
	if err != nil {
		return nil, err
	}
	fig := pricing.Figures{Usage: map[string]*report.VPSUsage{}, Hosts: map[string]*report.HostSLA{}, Failed: map[string]string{}}
	inputs := []Input{}
	for i := range usage.VPS {
		u := &usage.VPS[i]
		fig.Usage[u.Name] = u
		inputs = append(inputs, Input{Kind: "vps", Name: u.Name, Path: u.File, Size: size(u.File), LastUpdate: u.LastUpdate, RRA: u.RRA})
	}
	for i := range sla.Hosts {
		h := &sla.Hosts[i]
		fig.Hosts[h.Name] = h
		inputs = append(inputs, Input{Kind: "host", Name: h.Name, Path: h.File, Size: size(h.File), LastUpdate: h.LastUpdate, RRA: h.RRA})
	}
	names := map[string]string{}
	for _, s := range vps {
		names[s.File] = s.Name
	}
	for _, s := range HostSources(cfg) {
		names[s.File] = s.Name
	}
	for _, e := range append(usage.Errors, sla.Errors...) {
		fig.Failed[names[e.File]] = e.Error
		inputs = append(inputs, Input{Kind: "unreadable", Name: names[e.File], Path: e.File, Error: e.Error})
	}
	sort.SliceStable(inputs, func(a, b int) bool { return inputs[a].Path < inputs[b].Path })

	built, problems := pricing.Build(pricing.BookOf(cfg), p, fig)
	if late := lateInputs(inputs, p); len(late) > 0 {
		if !o.AllowIncomplete {
			return nil, fmt.Errorf("%d input(s) were last updated before the end of %s (first: %s); bill it anyway with --allow-incomplete", len(late), p.Label, late[0])
		}
		for _, f := range late {
			problems = append(problems, pricing.Problem{File: f, Problem: "last updated before the end of the period: billed incomplete (--allow-incomplete)"})
		}
	}
	invs, drafts, changes, err := drafted(p.Label, built, current, func(customer string) *document.Charts {
		return charts(cfg, customer, fig)
	})
	if err != nil {
		return nil, err
	}
	if problems == nil {
		problems = []pricing.Problem{}
	}
	if invs == nil {
		invs = []pricing.Invoice{}
	}

	tmp, err := os.MkdirTemp(o.OutDir, "."+p.Label+".tmp-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it private
		return nil, err
	}
	defer os.RemoveAll(tmp) // after a swap, the old run
	var outputs []Output
	// write streams an output to its file, digesting it on the way.
	write := func(name string, fill func(io.Writer) error) error {
		h := sha256.New()
		err := atomicfile.CreateNew(filepath.Join(tmp, name), func(w io.Writer) error { return fill(io.MultiWriter(w, h)) })
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		outputs = append(outputs, Output{Name: name, SHA256: hex.EncodeToString(h.Sum(nil))})
		return fault(name)
	}
	type file struct {
		name string
		fill func(io.Writer) error
	}
	writeAll := func(files []file) error {
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := write(f.name, f.fill); err != nil {
				return err
			}
		}
		return nil
	}
	// The figures' files depend on no PDF: they are written while the
	// PDFs are rendered (on the core the PDFs' last ones leave idle)
	// rather than after them.
	figures := []file{
		{"usage.json", func(b io.Writer) error { return export.UsageReportJSON(b, usage) }},
		{"sla.json", func(b io.Writer) error { return export.JSON(b, sla) }},
		{"usage.csv", func(b io.Writer) error { return export.UsageCSV(b, usage, metrics) }},
	}
	// The billing files list the invoices drafted, known once the PDFs are.
	billing := []file{
		{"billing-" + p.Label + ".xlsx", func(b io.Writer) error {
			wb := &export.Workbook{Period: p, Invoices: invs, Problems: problems, Usage: usage, SLA: sla, Metrics: metrics,
				CustomerOf: map[string]string{}, HostOf: map[string]string{}}
			for _, cu := range cfg.Customers {
				for _, v := range cu.VPS {
					wb.CustomerOf[v.Name] = cu.ID
					wb.HostOf[v.Name] = v.Host
				}
			}
			return export.XLSX(b, wb)
		}},
		{"invoices.json", func(b io.Writer) error { return export.InvoicesJSON(b, invs, problems) }},
	}
	if err := os.Mkdir(filepath.Join(tmp, "invoices"), 0o755); err != nil {
		return nil, err
	}
	fonts, err := readFonts(cfg)
	if err != nil {
		return nil, err
	}
	// PDFs are the run's heaviest work: render and write them on every
	// core (each straight to disk, so memory does not grow with the number
	// of customers), digests by index so the manifest's order is fixed.
	// They go before the billing files: a customer whose PDF cannot be
	// made is a blocking problem, and those files list what the PDFs are.
	figuresDone := make(chan error, 1)
	go func() { figuresDone <- writeAll(figures) }()
	pdfOut := make([]Output, len(invs))
	pdfErr := make([]error, len(invs))
	lacking := make([][]string, len(invs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range invs {
		if invs[i].Status != pricing.StatusDraft {
			continue // an issued invoice the run did not change: its documents are issued/
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			name := "invoices/" + invs[i].Number + ".pdf"
			var b bytes.Buffer
			var ch *document.Charts
			if invs[i].Kind == pricing.KindInvoice {
				ch = charts(cfg, invs[i].CustomerID, fig)
			}
			text := fonts.Prepare(&invs[i])
			lacking[i] = text.Lacking
			if err := document.PDF(&b, text, ch); err != nil {
				pdfErr[i] = err
				return nil
			}
			if err := atomicfile.WriteNew(filepath.Join(tmp, name), b.Bytes()); err != nil {
				return err
			}
			sum := sha256.Sum256(b.Bytes())
			pdfOut[i] = Output{Name: name, SHA256: hex.EncodeToString(sum[:])}
			return fault(name)
		})
	}
	pdfsErr := g.Wait()
	if err := <-figuresDone; err != nil {
		return nil, err
	}
	if pdfsErr != nil {
		return nil, pdfsErr
	}
	blocked := map[string]bool{}
	for i, inv := range invs {
		for _, l := range lacking[i] {
			problems = append(problems, pricing.Problem{CustomerID: inv.CustomerID, Problem: inv.Number + ": the PDF shows ? for " + l})
		}
		if pdfErr[i] != nil {
			blocked[inv.CustomerID] = true
			problems = append(problems, pricing.Problem{CustomerID: inv.CustomerID, Problem: "invoice not drafted: " + inv.Number + ": " + pdfErr[i].Error(), Blocking: true})
		}
	}
	if len(blocked) > 0 {
		// the customer's other documents (a credit note and its
		// replacement go together) are dropped with it
		for i, inv := range invs {
			if blocked[inv.CustomerID] && pdfOut[i].Name != "" {
				os.Remove(filepath.Join(tmp, pdfOut[i].Name))
				pdfOut[i] = Output{}
			}
		}
		invs = slices.DeleteFunc(invs, func(inv pricing.Invoice) bool { return blocked[inv.CustomerID] })
		drafts = slices.DeleteFunc(drafts, func(d pending) bool { return blocked[d.CustomerID] })
	}
	var pdfs []Output
	for _, o := range pdfOut {
		if o.Name != "" {
			pdfs = append(pdfs, o)
		}
	}
	if err := writeAll(billing); err != nil {
		return nil, err
	}
	outputs = append(outputs, pdfs...)
	man := Manifest{Version: o.Version, ConfigDigest: cfg.Digest(), Period: usage.Period, Inputs: inputs, Outputs: outputs, Problems: problems}
	var mb bytes.Buffer
	if err := export.JSON(&mb, man); err != nil {
		return nil, err
	}
	if err := atomicfile.WriteNew(filepath.Join(tmp, "manifest.json"), mb.Bytes()); err != nil {
		return nil, err
	}
	if err := fault("manifest.json"); err != nil {
		return nil, err
	}
	if err := atomicfile.SyncFS(tmp); err != nil {
		return nil, err
	}
	if err := fault("sync"); err != nil {
		return nil, err
	}
	records := make([]state.Draft, len(drafts))
	for i, d := range drafts {
		if records[i], err = d.record(); err != nil {
			return nil, err
		}
	}
	if err := save(records); err != nil {
		return nil, err
	}
	if err := publish(tmp, final); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(mb.Bytes())
	partial := false
	for _, pr := range problems {
		partial = partial || pr.Blocking
	}
	return &Result{Dir: final, Invoices: invs, Problems: problems, Partial: partial, Changes: changes,
		ManifestDigest: "sha256:" + hex.EncodeToString(sum[:])}, nil
}

// openState takes stateDir's lock (waiting for it with wait), removes the
// temporary files a killed run left there, and opens the register; done
// closes the register and frees the lock.
func openState(ctx context.Context, stateDir string, wait bool) (reg *state.Register, done func(), err error) {
	lock, err := state.Acquire(ctx, stateDir, wait)
	if err != nil {
		return nil, nil, err
	}
	atomicfile.RemoveStale(stateDir)
	if reg, err = state.Open(ctx, stateDir); err != nil {
		lock.Release()
		return nil, nil, err
	}
	return reg, func() { reg.Close(); lock.Release() }, nil
}

// readFonts are the fonts of the run's documents: the Go fonts, and the
// config's invoice.font for what they lack.
func readFonts(cfg *config.Config) (*document.Fonts, error) {
	if cfg.Invoice.Font == "" {
		return document.NewFonts(nil), nil
	}
	b, err := inputfile.ReadFile(cfg.Invoice.Font, config.MaxFontBytes)
	if err != nil {
		return nil, fmt.Errorf("invoice.font: %w", err)
	}
	return document.NewFonts(b), nil
}

// charts gathers a customer's daily traffic (summed over its VPS, each on
// the days it was active) and daily uptime (averaged over its VPS's hosts),
// against its plan's SLA target, for the invoice's chart page.
func charts(cfg *config.Config, customer string, fig pricing.Figures) *document.Charts {
	threshold := Threshold(cfg)
	ch := &document.Charts{Target: threshold}
	var hosts []*report.HostSLA
	seen := map[string]bool{}
	byDay := map[string]*report.DailyBytes{}
	for _, cu := range cfg.Customers {
		if cu.ID != customer {
			continue
		}
		if p := cfg.Plan(cu.Plan); p != nil && p.SLA != nil && p.SLA.Target > 0 {
			ch.Target = p.SLA.Target
		}
		for _, v := range cu.VPS {
			if u := fig.Usage[v.Name]; u != nil {
				for _, d := range u.Daily {
					t := byDay[d.Day]
					if t == nil {
						t = &report.DailyBytes{Day: d.Day}
						byDay[d.Day] = t
					}
					t.In += d.In
					t.Out += d.Out
				}
			}
			if h := fig.Hosts[v.Host]; h != nil && !seen[v.Host] {
				seen[v.Host] = true
				hosts = append(hosts, h)
			}
		}
	}
	for _, d := range byDay {
		ch.Daily = append(ch.Daily, *d)
	}
	slices.SortFunc(ch.Daily, func(a, b report.DailyBytes) int { return strings.Compare(a.Day, b.Day) })
	if len(hosts) > 0 {
		ch.Uptime = append([]report.DailyUptime(nil), hosts[0].Daily...)
		if len(hosts) > 1 {
			ch.Uptime = report.AverageDaily(hosts, threshold)
		}
	}
	return ch
}

// givenUsage checks a precomputed usage report against the run: same
// period, exactly the configured VPS (each either reported or in errors),
// and restores the metric units JSON does not carry.
func givenUsage(u *report.UsageReport, p period.Period, vps []report.Source, metrics []report.Metric) (*report.UsageReport, error) {
	if u.Period.StartEpoch != p.Start.Unix() || u.Period.EndEpoch != p.End.Unix() {
		return nil, fmt.Errorf("the usage given is for %s–%s, not %s", u.Period.Start, u.Period.End, p.Label)
	}
	have := map[string]bool{}
	for _, v := range u.VPS {
		have[v.Name] = true
	}
	files := map[string]bool{}
	for _, e := range u.Errors {
		files[e.File] = true
	}
	for _, s := range vps {
		if !have[s.Name] && !files[s.File] {
			return nil, fmt.Errorf("the usage given has no VPS %s (a shard missing from the merge?)", s.Name)
		}
	}
	// the 95th percentile must be of the plan's step: one of another
	// (a usage made with an older config) would bill another figure
	byName := map[string]report.Source{}
	for _, s := range vps {
		byName[s.Name] = s
	}
	for _, v := range u.VPS {
		s, ok := byName[v.Name]
		if !ok || v.P95 == nil {
			continue
		}
		if v.P95.Step != int64(s.P95Step) {
			return nil, fmt.Errorf("the usage given has VPS %s's 95th percentile at a %d-second step, its plan bills %d seconds (0: rows): compute the usage again with this config", v.Name, v.P95.Step, s.P95Step)
		}
		if s.P95Sum && v.P95.Sum == 0 && v.P95.Max != 0 {
			return nil, fmt.Errorf("the usage given has no in + out 95th percentile for VPS %s, whose plan bills it: compute the usage again with this config", v.Name)
		}
	}
	units := map[string]string{}
	for _, m := range metrics {
		units[m.Name] = m.Unit
	}
	for i := range u.VPS {
		for j := range u.VPS[i].Metrics {
			u.VPS[i].Metrics[j].Unit = units[u.VPS[i].Metrics[j].Name]
		}
	}
	return u, nil
}

// StateDir is where invoice numbers, the ledger and the lock live: the
// config's state_dir, else OUT/.state.
func StateDir(cfg *config.Config, outDir string) string {
	if cfg.StateDir != "" {
		return cfg.StateDir
	}
	return filepath.Join(outDir, ".state")
}

func size(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return st.Size()
}

// removeStale deletes temporary directories a killed run left behind.
func removeStale(out, label string) {
	m, _ := filepath.Glob(filepath.Join(out, "."+label+".tmp-*"))
	for _, d := range m {
		os.RemoveAll(d)
	}
}
