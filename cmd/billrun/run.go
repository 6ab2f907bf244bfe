package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/job"
	"github.com/billrun/billrun/report"
	"github.com/spf13/cobra"
)

type runOptions struct {
	config string
	period periodFlags
	out    string
	force  bool
	wait   bool
	noWait bool
	usage  string
}

func newRunCmd(g *globals) *cobra.Command {
	var o runOptions
	c := &cobra.Command{
		Use:   "run --config FILE --period P [--out DIR] [--force]",
		Short: "Bill a period: usage, SLA, invoices and a manifest, written atomically",
		Long: `Bill every customer of the config for the period and write OUT/<period>/:
usage.json, sla.json, usage.csv, invoices.json and manifest.json. The directory
appears complete or not at all; a period already written is kept unless --force.
Exit status 3 when some customer's invoice could not be issued.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runRun(cmd.Context(), g, o) },
	}
	f := c.Flags()
	f.StringVar(&o.config, "config", "", "config file (required)")
	f.StringVar(&o.out, "out", "", "output directory (default: the config's out_dir)")
	f.BoolVar(&o.force, "force", false, "write a period that was written before")
	f.StringVar(&o.period.period, "period", "", "billing period: YYYY-MM, YYYY-Www or YYYY-MM-DD, in the config's zone")
	f.BoolVar(&o.wait, "wait", false, "wait for another run holding the state directory")
	f.StringVar(&o.usage, "usage", "", "use this usage JSON (billrun merge of shards) instead of reading the VPS files")
	f.BoolVar(&o.noWait, "no-wait", false, "exit 4 at once when another run holds the state directory (the default)")
	return c
}

func runRun(ctx context.Context, g *globals, o runOptions) error {
	if o.config == "" {
		return usagef("--config is required")
	}
	if o.period.period == "" {
		return usagef("--period is required")
	}
	cfg, err := config.Load(o.config)
	if err != nil {
		return err
	}
	setMemoryLimit(cfg)
	per, err := o.period.resolve(cfg)
	if err != nil {
		return err
	}
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
		f, err := os.Open(o.usage)
		if err != nil {
			return err
		}
		given, err = report.ReadUsage(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", o.usage, err)
		}
	}
	progress, done := progressBar(g.stderr)
	res, err := job.Run(ctx, job.Options{Config: cfg, Period: per, OutDir: out, Force: o.force, Wait: o.wait, Now: g.now,
		Version: version, Progress: progress, Usage: given})
	done()
	if err != nil {
		if errors.Is(err, job.ErrExists) {
			return exitCodeError{code: exitError, err: fmt.Errorf("%w (--force bills it again)", err)}
		}
		return err
	}
	for _, p := range res.Problems {
		g.log.Warn("problem", "customer", p.CustomerID, "vps", p.VPS, "file", p.File, "problem", p.Problem)
	}
	fmt.Fprintf(g.stdout, "%s: %d invoices, %d problems, manifest %s\n", res.Dir, len(res.Invoices), len(res.Problems), res.ManifestDigest)
	if res.Partial {
		return exitCodeError{code: exitPartial, err: fmt.Errorf("partial run: some invoices were not issued (see %s/manifest.json)", res.Dir)}
	}
	return nil
}
