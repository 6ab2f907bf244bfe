package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/billrun/billrun/internal/period"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/fleet"
	"github.com/billrun/billrun/internal/job"
	"github.com/billrun/billrun/report"
	"github.com/spf13/cobra"
)

type demoOptions struct {
	out                   string
	vps, hosts, customers int
	period                string
	seed                  uint64
	historyDays           int
}

func newDemoCmd(g *globals) *cobra.Command {
	var o demoOptions
	c := &cobra.Command{
		Use:   "demo [--out DIR]",
		Short: "Build a synthetic fleet and bill its last complete month",
		Long: `Build a synthetic fleet of seed-schema RRD files with billrun's own RRD
writer (no rrdtool needed), write a job.yaml for it (hosts, a plan,
customers), print the usage and SLA of the last complete month (UTC), and write
a full billing run under DIR/out. The same options give the same files, and
billrun run --config DIR/billing.yaml --period P rewrites the run byte
for byte.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runDemo(cmd.Context(), g, o) },
	}
	f := c.Flags()
	f.StringVar(&o.out, "out", "billrun-demo", "directory to write the fleet, job.yaml and the run into")
	f.IntVar(&o.vps, "vps", 12, "number of VPS")
	f.IntVar(&o.hosts, "hosts", 3, "number of host nodes")
	f.IntVar(&o.customers, "customers", 4, "number of customers (the VPS are dealt out to them)")
	f.StringVar(&o.period, "period", "", "month to bill, YYYY-MM (default: the last complete month)")
	f.Uint64Var(&o.seed, "seed", 1, "random seed")
	f.IntVar(&o.historyDays, "history-days", 0, "days of data to write, ending a day after the month (default: the month and 3 days)")
	return c
}

func runDemo(ctx context.Context, g *globals, o demoOptions) error {
	if o.vps < 1 || o.vps > 100000 || o.hosts < 1 || o.hosts > 1000 || o.customers < 1 || o.customers > o.vps {
		return usagef("--vps must be 1..100000, --hosts 1..1000 and --customers 1..vps")
	}
	per := period.LastComplete(period.KindMonth, g.now(), time.UTC)
	if o.period != "" {
		p, err := period.Parse(o.period, time.UTC)
		if err != nil || p.Kind != period.KindMonth {
			return usagef("--period must be a month, YYYY-MM")
		}
		per = p
	}
	dir, err := filepath.Abs(o.out)
	if err != nil {
		return err
	}
	g.log.Info("generating fleet", "dir", dir, "vps", o.vps, "hosts", o.hosts, "period", per.Label)
	from := per.Start.AddDate(0, 0, -2)
	if o.historyDays > 0 {
		if o.historyDays > 3660 {
			return usagef("--history-days must be at most 3660")
		}
		from = per.End.AddDate(0, 0, 1-o.historyDays)
	}
	fl, err := fleet.Generate(ctx, fleet.Options{Dir: dir, VPS: o.vps, Hosts: o.hosts,
		Start: from, End: per.End.AddDate(0, 0, 1), Seed: o.seed})
	if err != nil {
		return err
	}
	cfgPath := filepath.Join(dir, "billing.yaml")
	if err := os.WriteFile(cfgPath, []byte(demoConfig(fl, dir, o.customers)), 0o644); err != nil {
		return err
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return err
	}
	setMemoryLimit(cfg)
	metrics := job.Metrics(cfg)
	u, err := report.Usage(ctx, job.VPSSources(cfg), per, metrics, report.Options{})
	if err != nil {
		return err
	}
	s, err := report.SLA(ctx, job.HostSources(cfg), per, job.Threshold(cfg), report.Options{})
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "billrun demo: %d VPS of %d customers on %d hosts in %s (config %s)\n\nUsage\n", o.vps, o.customers, o.hosts, dir, cfgPath)
	if err := writeUsageTable(g.stdout, u, metrics); err != nil {
		return err
	}
	fmt.Fprintln(g.stdout, "\nSLA")
	if err := writeSLATable(g.stdout, s); err != nil {
		return err
	}
	res, err := job.Run(ctx, job.Options{Config: cfg, Period: per, OutDir: cfg.OutDir, Record: true, Version: version})
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "\nInvoices: %d in %s (manifest %s)\n", len(res.Invoices), res.Dir, res.ManifestDigest)
	fmt.Fprintf(g.stdout, "The same run again, byte for byte: billrun run --config %s --period %s\n", cfgPath, per.Label)
	return fileErrors(g, append(u.Errors, s.Errors...))
}

// demoNames are the demo's customers: names invoices must print as written.
var demoNames = []string{"Müller & Söhne GmbH", "Łódź Hosting sp. z o.o.", "株式会社テスト", "Ακρόπολις Α.Ε.", "Smith & Jones Ltd", "Ōsaka Café SARL"}

// cjkFont is Debian's fonts-droid-fallback, used for names the embedded Go
// fonts cannot print when it is installed.
const cjkFont = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

const demoHead = `# Written by billrun demo.
timezone: UTC
rrd_dir: .
out_dir: out
state_dir: state
issuer: {name: "OpenVPS Hosting GmbH", address: ["Friedrichstraße 1", "10117 Berlin", "Germany"], vat_id: DE123456789, email: billing@openvps.example}
metrics:
  - {name: ticks, ds: [vs_uticks, vs_sticks], kind: counter, unit: ticks}
  - {name: vm, ds: [vs_vm], kind: gauge, unit: KB-minutes}
  - {name: rss, ds: [vs_rss], kind: gauge, unit: KB-minutes}
  - {name: in, ds: [vs_in], kind: counter, unit: bytes, max_rate: 1.25e9}
  - {name: out, ds: [vs_out], kind: counter, unit: bytes, max_rate: 1.25e9}
  - {name: disk, ds: [vs_disk_b_used], kind: gauge, unit: KB-minutes}
plans:
  - id: standard
    monthly_fee: "20.00"
    prorate: true
    tax_rate: "0.19"
    metrics:
      in: {unit: GB, included: "500", rate: "0.01"}
      out: {unit: GB, included: "500", rate: "0.01"}
      ticks: {unit: cpu-hours, included: "720", rate: "0.005"}
      rss: {unit: GB-months, included: "0.5", rate: "2.00"}
    p95: {included_mbps: "20", rate_per_mbps: "0.50"}
    sla: {target: 99.99, credits: [{below: 99.99, percent: "10"}, {below: 99.0, percent: "25"}]}
`

// demoConfig is the job.yaml of a generated fleet: paths relative to
// its directory, max_rate on traffic so the counter reset is excluded, and
// customers the VPS are dealt out to.
func demoConfig(fl *fleet.Fleet, dir string, customers int) string {
	var b strings.Builder
	b.WriteString(demoHead)
	if _, err := os.Stat(cjkFont); err == nil {
		fmt.Fprintf(&b, "invoice: {number_prefix: \"INV-\", due_days: 14, font: %s}\n", cjkFont)
	} else {
		b.WriteString("invoice: {number_prefix: \"INV-\", due_days: 14}\n")
	}
	b.WriteString("hosts:\n")
	for _, h := range fl.Hosts {
		rel, _ := filepath.Rel(dir, h.File)
		fmt.Fprintf(&b, "  - {name: %s, file: %s}\n", h.Name, rel)
	}
	b.WriteString("customers:\n")
	for c := range customers {
		name := demoNames[c%len(demoNames)]
		if c >= len(demoNames) {
			name = fmt.Sprintf("%s %d", name, c/len(demoNames)+1)
		}
		fmt.Fprintf(&b, "  - id: C%05d\n    name: %q\n    address: [\"Street %d\", \"City\"]\n    currency: EUR\n    plan: standard\n", c+1, name, c+1)
		// the Polish customer is billed under reverse charge, which
		// needs its VAT ID on the invoice
		if c%len(demoNames) == 1 {
			fmt.Fprintf(&b, "    vat_id: PL%010d\n    reverse_charge: true\n", 5250000000+c)
		}
		b.WriteString("    vps:\n")
		for i := c; i < len(fl.VPS); i += customers {
			v := fl.VPS[i]
			rel, _ := filepath.Rel(dir, v.File)
			fmt.Fprintf(&b, "      - {name: %s, file: %s, host: %s}\n", v.Name, rel, v.Host)
		}
	}
	return b.String()
}
