package job

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/billrun/billrun/internal/exchange"
	"github.com/billrun/billrun/internal/inputfile"

	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/internal/state"

	"github.com/billrun/billrun/export/document"
	"github.com/billrun/billrun/internal/atomicfile"
	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/pricing"
	"github.com/billrun/billrun/report"
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
	// Reprice drafts the corrections of issued invoices whose prices or
	// rates changed in place (without a valid_from); without it, the run
	// lists them in Result.Repriced and its problems and leaves them.
	Reprice bool
	Wait    bool             // wait for another run's lock instead of state.ErrLocked
	Now     func() time.Time // the clock, for the ledger (nil: time.Now)
	Version string           // billrun version, for the manifest
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
	Changes []Change
	// Repriced are the issued invoices a changed price or rate would
	// correct, left uncorrected without Options.Reprice.
	Repriced  []Repricing
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
	if s := cfg.Start(); !s.IsZero() && !p.End.After(s) {
		return nil, fmt.Errorf("period %s ends before billing_start %s: it is not billed", p.Label, cfg.BillingStart)
	}
	// The period is priced by the versions of plans and rates in force
	// at its start.
	o.Config = cfg.At(p.Start)
	cfg = o.Config
	var reg *state.Register
	rec := recorded{current: map[string]state.Document{}}
	if o.Record {
		var done func()
		var err error
		if reg, done, err = openState(ctx, StateDir(cfg, o.OutDir), issuedDirOf(cfg, o.OutDir), o.Wait); err != nil {
			return nil, err
		}
		defer done()
		if rec, err = registered(ctx, reg, p.Label, o.Once); err != nil {
			return nil, err
		}
	}
	local := LocalFiles(cfg)
	traffic := newDaemonTraffic(ctx, cfg.DaemonTimeout())
	if err := traffic.flush(cfg.Daemon, local); err != nil {
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
	res, err := bill(ctx, o, traffic, rec, save)
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

// registered is what reg holds of period label; with once, a period the
// ledger has is refused (ErrBilled).
func registered(ctx context.Context, reg *state.Register, label string, once bool) (recorded, error) {
	ledger, err := reg.Periods(ctx)
	if err != nil {
		return recorded{}, err
	}
	for _, e := range ledger {
		if e.Period == label && once {
			return recorded{}, fmt.Errorf("%s: %w", label, state.ErrBilled)
		}
	}
	var rec recorded
	if rec.current, err = reg.Current(ctx, label); err != nil {
		return recorded{}, err
	}
	rec.issued, err = issuedInvoices(ctx, reg, label)
	return rec, err
}

// openState takes stateDir's lock (waiting for it with wait), removes the
// temporary files a killed run left there, and opens the register, once
// it is known to be the one that issued the documents in issuedDir
// (state.OpenFor); done closes the register and frees the lock.
func openState(ctx context.Context, stateDir, issuedDir string, wait bool) (reg *state.Register, done func(), err error) {
	lock, err := state.Acquire(ctx, stateDir, wait)
	if err != nil {
		return nil, nil, err
	}
	atomicfile.RemoveStale(stateDir)
	if reg, err = state.OpenFor(ctx, stateDir, issuedDir); err != nil {
		lock.Release()
		return nil, nil, err
	}
	return reg, func() { reg.Close(); lock.Release() }, nil
}

// bookOf is what cfg prices with, with the ECB's rates of exchange_rates
// when it is set.
func bookOf(cfg *config.Config) (pricing.Book, error) {
	book := pricing.BookOf(cfg)
	if cfg.ExchangeRates == "" {
		return book, nil
	}
	b, err := inputfile.ReadFile(cfg.ExchangeRates, exchange.MaxBytes)
	if err != nil {
		return book, fmt.Errorf("exchange_rates: %w", err)
	}
	if book.Rates, err = exchange.Parse(b, cfg.ExchangeRates); err != nil {
		return book, fmt.Errorf("exchange_rates: %w", err)
	}
	return book, nil
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

// IssuedDir is where issued documents go: OUT/issued, a directory per
// period, and the register's identity (state.IdentityFile).
func IssuedDir(cfg *config.Config) string { return filepath.Join(cfg.OutDir, "issued") }

// issuedDirOf is the issued documents' directory of a run writing to
// outDir: the config's (IssuedDir), else outDir's.
func issuedDirOf(cfg *config.Config, outDir string) string {
	if cfg.OutDir != "" {
		return IssuedDir(cfg)
	}
	return filepath.Join(outDir, "issued")
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
