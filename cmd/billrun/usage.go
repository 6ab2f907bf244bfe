package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/billrun/billrun/config"
	"github.com/billrun/billrun/report"
	"github.com/spf13/cobra"
)

type usageOptions struct {
	files  []string
	config string
	format string
	daemon string
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
	o.period.register(f)
	return c
}

func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		return nil, nil
	}
	return config.Load(path)
}

// sourcesFromFiles names each file by its base name without ".rrd".
func sourcesFromFiles(files []string) []report.Source {
	out := make([]report.Source, len(files))
	for i, f := range files {
		out[i] = report.Source{Name: strings.TrimSuffix(filepath.Base(f), ".rrd"), File: f}
	}
	return out
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
	cfg, err := loadConfig(o.config)
	if err != nil {
		return err
	}
	per, err := o.period.resolve(cfg)
	if err != nil {
		return err
	}
	metrics := report.DefaultMetrics()
	var sources []report.Source
	daemon := o.daemon
	if cfg != nil {
		if metrics, err = cfg.ReportMetrics(); err != nil {
			return err
		}
		sources = cfg.VPSSources()
		if daemon == "" {
			daemon = cfg.Daemon
		}
	}
	sources = append(sources, sourcesFromFiles(o.files)...)
	if len(sources) == 0 {
		return usagef("no RRD files: give --rrd FILE or a --config with vps")
	}
	if err := flushSources(ctx, daemon, sources); err != nil {
		return err
	}
	rep, err := report.Usage(ctx, sources, per, metrics, report.Options{})
	if err != nil {
		return err
	}
	switch o.format {
	case "json":
		err = writeJSON(g.stdout, rep)
	case "csv":
		err = writeUsageCSV(g.stdout, rep, metrics)
	default:
		err = writeUsageTable(g.stdout, rep, metrics)
	}
	if err != nil {
		return err
	}
	return fileErrors(g, rep.Errors)
}

// flushSources flushes every file through rrdcached in one batch.
func flushSources(ctx context.Context, daemon string, sources []report.Source) error {
	files := make([]string, len(sources))
	for i, s := range sources {
		files[i] = s.File
	}
	return flushThrough(ctx, daemon, files...)
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

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// safeCell keeps spreadsheets from evaluating a text cell as a formula.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func writeUsageCSV(w io.Writer, rep *report.UsageReport, metrics []report.Metric) error {
	cw := csv.NewWriter(w)
	head := []string{"name", "file", "step"}
	for _, m := range metrics {
		head = append(head, m.Name+"_total_"+m.Unit, m.Name+"_coverage", m.Name+"_spikes")
	}
	head = append(head, "p95_in_bps", "p95_out_bps", "p95_max_bps")
	cw.Write(head)
	for _, v := range rep.VPS {
		rec := []string{safeCell(v.Name), safeCell(v.File), strconv.FormatInt(v.Step, 10)}
		for _, m := range v.Metrics {
			rec = append(rec, m.Total.String(), m.Coverage.String(), strconv.Itoa(m.Spikes))
		}
		if v.P95 != nil {
			rec = append(rec, v.P95.In.String(), v.P95.Out.String(), v.P95.Max.String())
		} else {
			rec = append(rec, "", "", "")
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

func writeUsageTable(w io.Writer, rep *report.UsageReport, metrics []report.Metric) error {
	fmt.Fprintf(w, "period %s – %s\n", rep.Period.Start, rep.Period.End)
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
