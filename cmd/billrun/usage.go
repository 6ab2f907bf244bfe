package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/billrun/billrun/internal/job"
	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/internal/rrdcached"

	"github.com/billrun/billrun/export"
	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/report"
	"github.com/spf13/cobra"
)

type usageOptions struct {
	files  []string
	config string
	format string
	daemon string
	shard  string
	period periodFlags
}

func newUsageCmd(g *globals) *cobra.Command {
	var o usageOptions
	c := &cobra.Command{
		Use:   "usage [--rrd FILE…] (--period P [--tz ZONE] | --start T --end T)",
		Short: "Usage per VPS for a billing period (JSON, CSV or a table)",
		RunE: func(cmd *cobra.Command, args []string) error {
			o.files = append(o.files, args...)
			return runUsage(cmd.Context(), g, o)
		},
	}
	f := c.Flags()
	f.StringArrayVar(&o.files, "rrd", nil, "VPS RRD file (repeatable; positional arguments also count)")
	f.StringVar(&o.config, "config", "", "config file (VPS, metrics, time zone, rrdcached)")
	f.StringVar(&o.format, "format", "json", "output: json, csv or table")
	f.StringVarP(&o.daemon, "daemon", "d", "", "rrdcached address to FLUSH files through first (default: config, then $RRDCACHED_ADDRESS)")
	f.StringVar(&o.shard, "shard", "", "K/N: only the VPS of shard K of N (by a hash of the name), with daily series, for billrun merge")
	o.period.register(f)
	return c
}

// sourceFromFile names a file by its base name without ".rrd".
func sourceFromFile(f string) report.Source {
	return report.Source{Name: strings.TrimSuffix(filepath.Base(f), ".rrd"), File: f}
}

func checkFormat(f string) error {
	switch f {
	case "json", "csv", "table":
		return nil
	}
	return usagef("--format must be json, csv or table, not %q", f)
}

func runUsage(ctx context.Context, g *globals, o usageOptions) error {
	if err := checkFormat(o.format); err != nil {
		return err
	}
	opt := report.Options{Open: job.OpenSource}
	var keep func(report.Source) bool // nil: all of them
	if o.shard != "" {
		var k, n int
		if _, err := fmt.Sscanf(o.shard, "%d/%d", &k, &n); err != nil || n < 1 || k < 1 || k > n || fmt.Sprintf("%d/%d", k, n) != o.shard {
			return usagef("--shard must be K/N with 1 <= K <= N, not %q", o.shard)
		}
		keep = func(s report.Source) bool { return report.InShard(s.Name, k, n) }
		opt.Daily = true // a shard feeds billrun run, whose invoices chart daily traffic
	}
	in, err := prepare(ctx, o.config, job.VPSSources, &o.period, g.now(), o.daemon, o.files, keep)
	if err != nil {
		return err
	}
	if len(in.sources) == 0 && o.shard == "" {
		return usagef("no RRD files: give --rrd FILE or a --config with vps")
	}
	metrics := report.DefaultMetrics()
	if in.cfg != nil {
		metrics = job.Metrics(in.cfg)
	}
	// The sources are all usage needs of the config. Collected now, a large
	// fleet's VPS list does not set the heap goal of the pass, which would
	// then grow to twice the two lists together.
	in.cfg = nil
	runtime.GC()
	sources, per := in.sources, in.period
	periodJSON := report.NewPeriodJSON(per)
	periodJSON.UntilNow = in.untilNow
	// JSON and CSV stream: each file's figures are written as soon as
	// they and all before them are ready, so what is held does not grow
	// with the fleet. The table aligns its columns over all rows.
	var failed []report.FileError
	switch o.format {
	case "json":
		jw := export.NewUsageJSONWriter(g.stdout, periodJSON)
		if failed, err = report.UsageEach(ctx, sources, per, metrics, opt, jw.Encode, jw.WriteEncoded); err == nil {
			err = jw.Close(failed)
		}
	case "csv":
		cw := export.NewUsageCSVWriter(g.stdout, metrics)
		if failed, err = report.UsageEach(ctx, sources, per, metrics, opt, cw.Record, cw.WriteRecord); err == nil {
			err = cw.Flush()
		}
	default:
		var rep *report.UsageReport
		if rep, err = report.Usage(ctx, sources, per, metrics, opt); err == nil {
			failed, rep.Period = rep.Errors, periodJSON
			err = writeUsageTable(g.stdout, rep, metrics)
		}
	}
	if err != nil {
		return err
	}
	return fileErrors(g, failed)
}

// inputs are what usage and sla read: the config (nil without --config),
// the period, and the sources: the config's, then the command line's
// files.
type inputs struct {
	cfg      *config.Config
	period   period.Period
	untilNow bool // the period asked for had not ended: cut at now
	sources  []report.Source
}

// prepare loads the config and takes its sources with of, resolves the
// period, adds the command line's files to the sources, keeps those keep
// says yes to (all when keep is nil), and flushes the local ones through
// rrdcached (--daemon, else the config's daemon, else $RRDCACHED_ADDRESS).
func prepare(ctx context.Context, cfgPath string, of func(*config.Config) []report.Source,
	pf *periodFlags, now time.Time, daemon string, files []string, keep func(report.Source) bool) (*inputs, error) {
	in := &inputs{}
	var all []report.Source
	if cfgPath != "" {
		c, err := config.Load(cfgPath)
		if err != nil {
			return nil, err
		}
		in.cfg, all = c, of(c)
	}
	var err error
	if in.period, err = pf.resolve(in.cfg); err != nil {
		return nil, err
	}
	if in.period, in.untilNow, err = pf.ended(in.period, now); err != nil {
		return nil, err
	}
	for _, f := range files {
		all = append(all, sourceFromFile(f))
	}
	in.sources = all
	if keep != nil {
		in.sources = slices.DeleteFunc(all, func(s report.Source) bool { return !keep(s) })
	}
	if daemon == "" && in.cfg != nil {
		daemon = in.cfg.Daemon
	}
	var local []string // remote files are flushed by their own daemon's FETCH
	if rrdcached.Address(daemon) != "" {
		for _, s := range in.sources {
			if s.Daemon == "" {
				local = append(local, s.File)
			}
		}
	}
	if err := rrdcached.FlushFiles(ctx, daemon, local...); err != nil {
		return nil, err
	}
	return in, nil
}

// fileErrors reports unreadable files on stderr; the command then exits 1
// after printing what it could.
func fileErrors(g *globals, errs []report.FileError) error {
	if len(errs) == 0 {
		return nil
	}
	for _, e := range errs {
		fmt.Fprintf(g.stderr, "billrun: %s\n", e.Error)
	}
	return exitCodeError{code: exitError, err: fmt.Errorf("%d file(s) could not be read", len(errs))}
}

func writeUsageTable(w io.Writer, rep *report.UsageReport, metrics []report.Metric) error {
	writePeriodLine(w, rep.Period)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	head := "name\t"
	for _, m := range metrics {
		head += fmt.Sprintf("%s (%s)\tcov\t", m.Name, m.Unit)
	}
	fmt.Fprintln(tw, head+"p95 max bps\t")
	for _, v := range rep.VPS {
		line := v.Name + "\t"
		for _, m := range v.Metrics {
			line += fmt.Sprintf("%.0f\t%.4f\t", float64(m.Total), float64(m.Coverage))
		}
		if v.P95 != nil {
			line += fmt.Sprintf("%.0f\t", float64(v.P95.Max))
		} else {
			line += "\t"
		}
		fmt.Fprintln(tw, line)
	}
	return tw.Flush()
}

// writePeriodLine is a table's first line: the period, and whether it
// stops at now.
func writePeriodLine(w io.Writer, p report.PeriodJSON) {
	fmt.Fprintf(w, "period %s – %s", p.Start, p.End)
	if p.UntilNow {
		fmt.Fprint(w, " (not ended: until now)")
	}
	fmt.Fprintln(w)
}
