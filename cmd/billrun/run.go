package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/billrun/billrun/internal/inputfile"
	"github.com/billrun/billrun/internal/job"
	"github.com/billrun/billrun/report"
	"github.com/spf13/cobra"
)

type runOptions struct {
	config          string
	period          periodFlags
	out             string
	allowIncomplete bool
	wait            bool
	noWait          bool
	usage           string
	reprice         bool
}

func newRunCmd(g *globals) *cobra.Command {
	var o runOptions
	c := &cobra.Command{
		Use:   "run --config FILE --period P [--out DIR] [--allow-incomplete]",
		Short: "Draft a period's invoices: usage, SLA, draft invoices and a manifest, written atomically",
		Long: `Draft the invoices of every customer of the config for an ended period and
write OUT/<period>/: draft PDFs, the workbook, usage.json, sla.json, usage.csv,
invoices.json and manifest.json, at once or not at all. Drafts have no number
and may be drafted again freely; billrun issue numbers and issues them. A
customer whose issued invoice no longer matches its figures gets a correction
draft (a credit note and a replacement), except when what changed is a
price or rate that priced it (a plan, tax.rate, tax.consumer_rates) without
a new version: such corrections are listed and drafted only with --reprice;
a version with valid_from prices the periods from then on. With --out elsewhere than the
config's out_dir the run touches neither the register nor the ledger.
Exit status 3 when some customer's invoice could not be drafted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runRun(cmd.Context(), g, o) },
	}
	f := c.Flags()
	f.StringVar(&o.config, "config", "", "config file (required)")
	f.StringVar(&o.out, "out", "", "output directory (default: the config's out_dir)")
	f.BoolVar(&o.allowIncomplete, "allow-incomplete", false, "bill a period whose inputs were last updated before its end (flagged)")
	f.StringVar(&o.period.period, "period", "", "billing period: YYYY-MM, YYYY-Www or YYYY-MM-DD, in the config's zone")
	f.BoolVar(&o.wait, "wait", false, "wait for another run holding the state directory")
	f.StringVar(&o.usage, "usage", "", "use this usage JSON (billrun merge of shards) instead of reading the VPS files")
	f.BoolVar(&o.reprice, "reprice", false, "correct issued invoices whose plan or VAT rate changed in place (without a valid_from)")
	f.BoolVar(&o.noWait, "no-wait", false, "exit 4 at once when another run holds the state directory (the default)")
	return c
}

func runRun(ctx context.Context, g *globals, o runOptions) error {
	cfg, per, err := configPeriod(o.config, &o.period)
	if err != nil {
		return err
	}
	setMemoryLimit(cfg)
	out := o.out
	if out == "" {
		out = cfg.OutDir
	}
	if out == "" {
		return usagef("no output directory: give --out or out_dir in the config")
	}
	if o.wait && o.noWait {
		return usagef("--wait and --no-wait exclude each other")
	}
	var given *report.UsageReport
	if o.usage != "" {
		f, _, err := inputfile.Open(o.usage)
		if err != nil {
			return err
		}
		given, err = report.ReadUsage(io.LimitReader(f, maxUsageBytes))
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", o.usage, err)
		}
	}
	progress, done := progressBar(g.stderr)
	record, err := sameDir(out, cfg.OutDir)
	if err != nil {
		return err
	}
	res, err := job.Run(ctx, job.Options{Config: cfg, Period: per, OutDir: out, Record: record, AllowIncomplete: o.allowIncomplete,
		Wait: o.wait, Now: g.now, Version: version, Progress: progress, Usage: given, Reprice: o.reprice})
	done()
	if err != nil {
		return err
	}
	for _, c := range res.Changes {
		fmt.Fprintf(g.stdout, "%s: figures differ from issued %s (total %s -> %s): a credit note and a replacement are drafted\n", c.CustomerID, c.Issued, c.OldTotal, c.NewTotal)
		for _, l := range c.Lines {
			fmt.Fprintf(g.stdout, "  %s\n", l)
		}
	}
	writeRepriced(g.stdout, per.Label, res.Repriced)
	for _, p := range res.Problems {
		g.log.Warn("problem", "customer", p.CustomerID, "vps", p.VPS, "file", p.File, "problem", p.Problem)
	}
	fmt.Fprintf(g.stdout, "%s: %d invoices, %d problems, manifest %s\n", res.Dir, len(res.Invoices), len(res.Problems), res.ManifestDigest)
	if res.Partial {
		return exitCodeError{code: exitPartial, err: fmt.Errorf("partial run: some invoices could not be drafted (see %s/manifest.json)", res.Dir)}
	}
	return nil
}

// sameDir reports whether a and b name the same directory (b may not
// exist yet).
func sameDir(a, b string) (bool, error) {
	if b == "" {
		return false, nil
	}
	aa, err := filepath.Abs(a)
	if err != nil {
		return false, err
	}
	bb, err := filepath.Abs(b)
	return aa == bb, err
}

// writeRepriced says, per changed price or rate, which issued invoices it
// would correct and how to bill the change instead.
func writeRepriced(w io.Writer, label string, repriced []job.Repricing) {
	byKey := map[string][]string{}
	var keys []string
	for _, r := range repriced {
		for _, k := range r.Keys {
			if byKey[k] == nil {
				keys = append(keys, k)
			}
			byKey[k] = append(byKey[k], r.Issued)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s changed: %d issued invoice(s) of %s would be corrected (%s); give the new terms a valid_from to bill them from a later period, or run again with --reprice to correct them\n",
			k, len(byKey[k]), label, strings.Join(byKey[k], ", "))
	}
}
