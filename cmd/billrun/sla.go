package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/billrun/billrun/export"
	"github.com/billrun/billrun/internal/job"
	"github.com/billrun/billrun/report"
	"github.com/spf13/cobra"
)

type slaOptions struct {
	files     []string
	config    string
	format    string
	daemon    string
	threshold float64
	gaps      string
	period    periodFlags
}

func newSLACmd(g *globals) *cobra.Command {
	var o slaOptions
	c := &cobra.Command{
		Use:   "sla [--uptime-rrd FILE…] (--period P [--tz ZONE] | --start T --end T)",
		Short: "Uptime SLA figures per host and for the fleet",
		RunE: func(cmd *cobra.Command, args []string) error {
			o.files = append(o.files, args...)
			if !cmd.Flags().Changed("threshold") {
				o.threshold = 0
			}
			return runSLA(cmd.Context(), g, o)
		},
	}
	f := c.Flags()
	f.StringArrayVar(&o.files, "uptime-rrd", nil, "host uptime RRD (DS admin_uptime; repeatable)")
	f.StringVar(&o.config, "config", "", "config file (hosts, time zone, threshold)")
	f.StringVar(&o.format, "format", "json", "output: json, csv or table")
	f.StringVarP(&o.daemon, "daemon", "d", "", "rrdcached address to FLUSH files through first")
	f.Float64Var(&o.threshold, "threshold", report.DefaultThreshold, "degraded below this uptime %")
	f.StringVar(&o.gaps, "gaps", "", "what minutes without data count as: down, ignore, or evidence (down where the host's VPS have no data either) (default: the config's uptime_gaps, else down)")
	o.period.register(f)
	return c
}

func runSLA(ctx context.Context, g *globals, o slaOptions) error {
	if err := checkFormat(o.format); err != nil {
		return err
	}
	threshold := report.DefaultThreshold
	if o.threshold != 0 {
		threshold = o.threshold
	}
	if threshold <= 0 || threshold > 100 {
		return usagef("--threshold must be in (0, 100]")
	}
	in, err := prepare(ctx, o.config, job.HostSources, &o.period, g.now(), o.daemon, o.files, nil)
	if err != nil {
		return err
	}
	if in.cfg != nil && o.threshold == 0 {
		threshold = job.Threshold(in.cfg)
	}
	if len(in.sources) == 0 {
		return usagef("no uptime RRD files: give --uptime-rrd FILE or a --config with hosts")
	}
	gaps := o.gaps
	if gaps == "" && in.cfg != nil {
		gaps = in.cfg.UptimeGaps
	}
	if gaps == "" {
		gaps = "down" // no config: no VPS to witness a gap
	}
	policy, ok := report.ParseGaps(gaps)
	if !ok {
		return usagef("--gaps must be down, ignore or evidence")
	}
	opt := report.Options{Gaps: policy, Open: job.OpenSource}
	if in.cfg != nil {
		opt.Witnesses = job.Witnesses(in.cfg)
	}
	rep, err := report.SLA(ctx, in.sources, in.period, threshold, opt)
	if err != nil {
		return err
	}
	rep.Period.UntilNow = in.untilNow
	switch o.format {
	case "json":
		err = export.JSON(g.stdout, rep)
	case "csv":
		err = export.SLACSV(g.stdout, rep)
	default:
		err = writeSLATable(g.stdout, rep)
	}
	if err != nil {
		return err
	}
	return fileErrors(g, rep.Errors)
}

func writeSLATable(w io.Writer, rep *report.SLAReport) error {
	writePeriodLine(w, rep.Period)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "host\tuptime %\tdowntime min\tunmonitored min\tcoverage\tdegraded\t")
	for _, h := range rep.Hosts {
		fmt.Fprintf(tw, "%s\t%.4f\t%.1f\t%.1f\t%.4f\t%d\t\n", h.Name, float64(h.UptimePct), float64(h.DowntimeMinutes), float64(h.UnmonitoredMinutes), float64(h.Coverage), len(h.Degraded))
	}
	fmt.Fprintf(tw, "fleet\t%.4f\t\t\t\t\t\n", float64(rep.Fleet.UptimePct))
	return tw.Flush()
}
