package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/billrun/billrun/config"
	"github.com/billrun/billrun/fleet"
	"github.com/billrun/billrun/report"
	"github.com/spf13/cobra"
)

type demoOptions struct {
	out        string
	vps, hosts int
	period     string
	seed       uint64
}

func newDemoCmd(g *globals) *cobra.Command {
	var o demoOptions
	c := &cobra.Command{
		Use:   "demo [--out DIR]",
		Short: "Build a synthetic fleet for the last complete month and print its usage and SLA",
		Long: `Build a synthetic fleet of seed-schema RRD files with billrun's own RRD
writer (no rrdtool needed), write a billing.yaml for it, and print the usage and
SLA of the last complete month (UTC). The same options give the same files.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runDemo(cmd.Context(), g, o) },
	}
	f := c.Flags()
	f.StringVar(&o.out, "out", "billrun-demo", "directory to write the fleet and billing.yaml into")
	f.IntVar(&o.vps, "vps", 12, "number of VPS")
	f.IntVar(&o.hosts, "hosts", 3, "number of host nodes")
	f.StringVar(&o.period, "period", "", "month to bill, YYYY-MM (default: the last complete month)")
	f.Uint64Var(&o.seed, "seed", 1, "random seed")
	return c
}

func runDemo(ctx context.Context, g *globals, o demoOptions) error {
	if o.vps < 1 || o.vps > 100000 || o.hosts < 1 || o.hosts > 1000 {
		return usagef("--vps must be 1..100000 and --hosts 1..1000")
	}
	per := report.LastComplete(report.KindMonth, g.now(), time.UTC)
	if o.period != "" {
		p, err := report.ParsePeriod(o.period, time.UTC)
		if err != nil || p.Kind != report.KindMonth {
			return usagef("--period must be a month, YYYY-MM")
		}
		per = p
	}
	dir, err := filepath.Abs(o.out)
	if err != nil {
		return err
	}
	g.log.Info("generating fleet", "dir", dir, "vps", o.vps, "hosts", o.hosts, "period", per.Label)
	fl, err := fleet.Generate(ctx, fleet.Options{Dir: dir, VPS: o.vps, Hosts: o.hosts,
		Start: per.Start.AddDate(0, 0, -2), End: per.End.AddDate(0, 0, 1), Seed: o.seed})
	if err != nil {
		return err
	}
	cfgPath := filepath.Join(dir, "billing.yaml")
	if err := os.WriteFile(cfgPath, []byte(demoConfig(fl, dir)), 0o644); err != nil {
		return err
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return err
	}
	metrics, err := cfg.ReportMetrics()
	if err != nil {
		return err
	}
	u, err := report.Usage(ctx, cfg.VPSSources(), per, metrics, report.Options{})
	if err != nil {
		return err
	}
	s, err := report.SLA(ctx, cfg.HostSources(), per, cfg.Threshold(), report.Options{})
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "billrun demo: %d VPS on %d hosts in %s (config %s)\n\nUsage\n", o.vps, o.hosts, dir, cfgPath)
	if err := writeUsageTable(g.stdout, u, metrics); err != nil {
		return err
	}
	fmt.Fprintln(g.stdout, "\nSLA")
	if err := writeSLATable(g.stdout, s); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "\nAgain, as JSON: billrun usage --config %s --period %s\n", cfgPath, per.Label)
	return fileErrors(g, append(u.Errors, s.Errors...))
}

// demoConfig is the billing.yaml of a generated fleet: paths relative to
// its directory, and max_rate on traffic so the counter reset is excluded.
func demoConfig(fl *fleet.Fleet, dir string) string {
	var b strings.Builder
	b.WriteString(`# Written by billrun demo.
timezone: UTC
rrd_dir: .
metrics:
  - {name: ticks, ds: [vs_uticks, vs_sticks], kind: counter, unit: ticks}
  - {name: vm, ds: [vs_vm], kind: gauge, unit: KB-minutes}
  - {name: rss, ds: [vs_rss], kind: gauge, unit: KB-minutes}
  - {name: in, ds: [vs_in], kind: counter, unit: bytes, max_rate: 1.25e9}
  - {name: out, ds: [vs_out], kind: counter, unit: bytes, max_rate: 1.25e9}
  - {name: disk, ds: [vs_disk_b_used], kind: gauge, unit: KB-minutes}
hosts:
`)
	for _, h := range fl.Hosts {
		rel, _ := filepath.Rel(dir, h.File)
		fmt.Fprintf(&b, "  - {name: %s, file: %s}\n", h.Name, rel)
	}
	b.WriteString("vps:\n")
	for _, v := range fl.VPS {
		rel, _ := filepath.Rel(dir, v.File)
		fmt.Fprintf(&b, "  - {name: %s, file: %s, host: %s}\n", v.Name, rel, v.Host)
	}
	return b.String()
}
