package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/fleet"
	"github.com/billrun/billrun/internal/job"
	"github.com/billrun/billrun/internal/period"
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
	cfg, err := writeDemoFleet(ctx, g, o, per)
	if err != nil {
		return err
	}
	metrics := job.Metrics(cfg)
	u, err := report.Usage(ctx, job.VPSSources(cfg), per, metrics, report.Options{Open: job.OpenSource})
	if err != nil {
		return err
	}
	s, err := report.SLA(ctx, job.HostSources(cfg), per, job.Threshold(cfg), report.Options{Gaps: job.Gaps(cfg), Witnesses: job.Witnesses(cfg), Open: job.OpenSource})
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "billrun demo: %d VPS of %d customers on %d hosts in %s (config %s)\n\nUsage\n", o.vps, o.customers, o.hosts, filepath.Dir(cfg.Path()), cfg.Path())
	if err := writeUsageTable(g.stdout, u, metrics); err != nil {
		return err
	}
	fmt.Fprintln(g.stdout, "\nSLA")
	if err := writeSLATable(g.stdout, s); err != nil {
		return err
	}
	if err := demoBill(ctx, g, cfg, per); err != nil {
		return err
	}
	return fileErrors(g, append(u.Errors, s.Errors...))
}

// writeDemoFleet writes the demo's RRD files for per and its config, and
// loads the config.
func writeDemoFleet(ctx context.Context, g *globals, o demoOptions, per period.Period) (*config.Config, error) {
	dir, err := filepath.Abs(o.out)
	if err != nil {
		return nil, err
	}
	g.log.Info("generating fleet", "dir", dir, "vps", o.vps, "hosts", o.hosts, "period", per.Label)
	from := per.Start.AddDate(0, 0, -2)
	if o.historyDays > 0 {
		if o.historyDays > 3660 {
			return nil, usagef("--history-days must be at most 3660")
		}
		from = per.End.AddDate(0, 0, 1-o.historyDays)
	}
	fl, err := fleet.Generate(ctx, fleet.Options{Dir: dir, VPS: o.vps, Hosts: o.hosts,
		Start: from, End: per.End.AddDate(0, 0, 1), Seed: o.seed})
	if err != nil {
		return nil, err
	}
	cfgPath := filepath.Join(dir, "billing.yaml")
	font := cjkFont
	if _, err := os.Stat(font); err != nil {
		font = ""
		fmt.Fprintf(g.stderr, "billrun demo: no CJK font at %s (Debian's fonts-droid-fallback): the Japanese customer is left out\n", cjkFont)
	}
	if err := os.WriteFile(cfgPath, []byte(demoConfig(fl, dir, o.customers, font)), 0o644); err != nil {
		return nil, err
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return nil, err
	}
	setMemoryLimit(cfg)
	return cfg, nil
}

// demoBill drafts the demo's month and issues it, so that every kind of
// document the customers get is there to look at, and lists them.
func demoBill(ctx context.Context, g *globals, cfg *config.Config, per period.Period) error {
	res, err := job.Run(ctx, job.Options{Config: cfg, Period: per, OutDir: cfg.OutDir, Record: true, Version: version})
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "\nDrafts: %d in %s (manifest %s)\n", len(res.Invoices), res.Dir, res.ManifestDigest)
	// Issued, so every kind of document the customers get is there to
	// look at: numbered PDFs and their e-invoices. The fleet has a counter
	// reset on purpose, which holds its customer's draft: the demo accepts
	// it, as a person would with billrun issue --accept.
	var all []string
	for _, cu := range cfg.Customers {
		all = append(all, cu.ID)
	}
	iss, err := job.Issue(ctx, job.IssueOptions{Config: cfg, Period: per, Now: func() time.Time { return per.End.AddDate(0, 0, 1) },
		Accept: all, By: "billrun demo", Note: "the demo's fleet has a counter reset on purpose"})
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "Issued: %d in %s\n", len(iss.Issued), filepath.Join(cfg.OutDir, "issued", per.Label))
	format := map[string]string{}
	for _, cu := range cfg.Customers {
		format[cu.ID] = cu.EInvoice
	}
	for _, d := range iss.Issued {
		e := filepath.Base(d.XMLPath)
		switch {
		case format[d.CustomerID] == config.EInvoiceFacturX:
			e = "the PDF (Factur-X)"
		case d.XMLPath == "":
			e = "none"
		}
		fmt.Fprintf(g.stdout, "  %s %s  %s  e-invoice %s (%s)\n", d.Number, d.CustomerID, filepath.Base(d.PDFPath), e, format[d.CustomerID])
		for _, r := range d.Accepted.Reasons {
			fmt.Fprintf(g.stdout, "    held for review, accepted: %s\n", r)
		}
	}
	return nil
}

// demoCustomers are the demo's customers, one of each kind of tax and
// e-invoice in turn, with names invoices must print as written. The
// Japanese one (demoCJK) needs a CJK font.
var demoCustomers = []string{
	// domestic, VAT at the German rate, XRechnung (UBL), in German
	`name: "Müller & Söhne GmbH", address: ["Hauptstraße 5"], postcode: "80331", city: München, country: DE, vat_id: DE811569869, buyer_reference: "04011000-12345-67", endpoint: {scheme: "9930", id: DE811569869}, language: de, einvoice: xrechnung-ubl`,
	// another EU state with a VAT ID: reverse charge, Peppol BIS 3
	`name: "Ωmega Hosting Ltd", address: ["1 Main St"], postcode: "D02 X285", city: Dublin, country: IE, vat_id: IE1234567T, endpoint: {scheme: "9935", id: IE1234567T}, einvoice: peppol`,
	// outside the EU: not subject to German VAT, Factur-X
	demoCJK,
	// reverse charge in Dutch ("Btw verlegd"), Peppol BIS 3
	`name: "Rijnmond Hosting B.V.", address: ["Coolsingel 40"], postcode: "3011 AD", city: Rotterdam, country: NL, vat_id: NL859048213B01, endpoint: {scheme: "9944", id: NL859048213B01}, language: nl, einvoice: peppol`,
	// outside the EU, in French
	`name: "Ōsaka Café SARL", address: ["Rue du Lac 1"], postcode: "1200", city: Genève, country: CH, language: fr`,
	`name: "Łódź Hosting sp. z o.o.", address: ["ul. Piotrkowska 1"], postcode: "90-001", city: Łódź, country: PL, vat_id: PL5260250274, language: en`,
	`name: "Ακρόπολις Α.Ε.", address: ["Odos 1"], postcode: "105 57", city: Αθήνα, country: GR, vat_id: EL094259216`,
}

const demoCJK = `name: "株式会社テスト", address: ["千代田1-1"], postcode: "100-0001", city: 東京, country: JP, einvoice: facturx`

// cjkFont is Debian's fonts-droid-fallback, the demo's invoice.font when
// it is installed (make deps installs it); without it, the Japanese
// customer is left out, as a config with a name no font sets is refused.
const cjkFont = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

const demoHead = `# Written by billrun demo.
timezone: UTC
rrd_dir: .
out_dir: out
state_dir: state
issuer:
  name: "OpenVPS Hosting GmbH"
  address: ["Friedrichstraße 1"]
  postcode: "10117"
  city: Berlin
  country: DE
  vat_id: DE136695976
  tax_number: "37/123/45678"
  email: billing@openvps.example
  endpoint: {scheme: "9930", id: DE136695976}
  bank: {iban: DE89370400440532013000, bic: COBADEFFXXX}
  register: {court: Amtsgericht Charlottenburg, number: HRB 123456 B}
  managing_directors: [Erika Mustermann]
  contact: {name: Max Mustermann, phone: "+49 30 1234567", email: billing@openvps.example}
metrics:
  - {name: ticks, ds: [vs_uticks, vs_sticks], kind: counter, unit: ticks}
  - {name: vm, ds: [vs_vm], kind: gauge, unit: KB-minutes}
  - {name: rss, ds: [vs_rss], kind: gauge, unit: KB-minutes}
  - {name: in, ds: [vs_in], kind: counter, unit: bytes, max_rate: 1.25e9}
  - {name: out, ds: [vs_out], kind: counter, unit: bytes, max_rate: 1.25e9}
  - {name: disk, ds: [vs_disk_b_used], kind: gauge, unit: KB-minutes}
tax: {rate: "0.19"}
plans:
  - id: standard
    name: "VPS Standard"
    monthly_fee: "20.00"
    prorate: true
    metrics:
      in: {unit: GB, included: "500", rate: "0.01"}
      out: {unit: GB, included: "500", rate: "0.01"}
      ticks: {unit: cpu-hours, included: "720", rate: "0.01"}
      rss: {unit: GB-months, included: "0.5", rate: "2.00"}
    p95: {included_mbps: "20", rate_per_mbps: "0.50"}
    sla: {target: 99.99, credits: [{below: 99.99, percent: "10"}, {below: 99.0, percent: "25"}]}
`

// demoConfig is the job.yaml of a generated fleet: paths relative to
// its directory, max_rate on traffic so the counter reset is excluded, and
// customers the VPS are dealt out to; font is the CJK font, "" for none
// (and no Japanese customer).
func demoConfig(fl *fleet.Fleet, dir string, customers int, font string) string {
	var b strings.Builder
	b.WriteString(demoHead)
	kinds := demoCustomers
	if font != "" {
		fmt.Fprintf(&b, "invoice: {number_prefix: \"INV-\", due_days: 14, font: %s}\n", font)
	} else {
		b.WriteString("invoice: {number_prefix: \"INV-\", due_days: 14}\n")
		kinds = slices.DeleteFunc(slices.Clone(kinds), func(c string) bool { return c == demoCJK })
	}
	b.WriteString("hosts:\n")
	for _, h := range fl.Hosts {
		rel, _ := filepath.Rel(dir, h.File)
		fmt.Fprintf(&b, "  - {name: %s, file: %s}\n", h.Name, rel)
	}
	b.WriteString("customers:\n")
	for c := range customers {
		fmt.Fprintf(&b, "  - {id: C%05d, %s, currency: EUR, plan: standard, vps: [", c+1, kinds[c%len(kinds)])
		for i := c; i < len(fl.VPS); i += customers {
			v := fl.VPS[i]
			rel, _ := filepath.Rel(dir, v.File)
			if i > c {
				b.WriteString(",\n      ")
			}
			fmt.Fprintf(&b, "{name: %s, file: %s, host: %s}", v.Name, rel, v.Host)
		}
		b.WriteString("]}\n")
	}
	return b.String()
}
