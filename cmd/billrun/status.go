package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/internal/state"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/job"
	"github.com/billrun/billrun/schedules"
	"github.com/spf13/cobra"
)

func newStatusCmd(g *globals) *cobra.Command {
	var cfgPath string
	c := &cobra.Command{
		Use:   "status --config FILE",
		Short: "Print the ledger of billed periods and the next firings",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStatus(cmd.Context(), g, cfgPath)
		},
	}
	c.Flags().StringVar(&cfgPath, "config", "", "config file (required)")
	return c
}

func newScheduleCmd(g *globals) *cobra.Command {
	var cfgPath string
	var n int
	c := &cobra.Command{
		Use:   "schedule --config FILE [--next N]",
		Short: "Print the next firing times and the period each would bill",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if n < 1 || n > 1000 {
				return usagef("--next must be 1..1000")
			}
			s, _, err := schedulerView(cfgPath)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "firing\tbills")
			for _, t := range s.Next(g.now(), n) {
				fmt.Fprintf(tw, "%s\t%s\n", t.Format(time.RFC3339), s.PeriodAt(t).Label)
			}
			return tw.Flush()
		},
	}
	c.Flags().StringVar(&cfgPath, "config", "", "config file (required)")
	c.Flags().IntVar(&n, "next", 5, "how many firings")
	return c
}

// schedulerView is a scheduler for looking only (no run function).
func schedulerView(cfgPath string) (*schedules.Scheduler, *config.Config, error) {
	if cfgPath == "" {
		return nil, nil, usagef("--config is required")
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return nil, nil, err
	}
	sch, err := schedules.ParseSpec(cfg.Schedule)
	if err != nil {
		return nil, nil, err
	}
	return &schedules.Scheduler{Schedule: sch, Location: cfg.Location(), Kind: period.KindMonth,
		StateDir: job.StateDir(cfg, cfg.OutDir), Lookback: cfg.Lookback}, cfg, nil
}

func runStatus(ctx context.Context, g *globals, cfgPath string) error {
	s, cfg, err := schedulerView(cfgPath)
	if err != nil {
		return err
	}
	l, err := state.LoadLedger(s.StateDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "state directory %s, schedule %q in %s, lookback %d\n\n", s.StateDir, cfg.Schedule, cfg.Location(), cfg.Lookback)
	tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "period\tcompleted\tseconds\tmanifest")
	for _, e := range l.Entries {
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t%s\n", e.Period, e.CompletedAt, e.DurationSeconds, e.ManifestDigest)
	}
	if len(l.Entries) == 0 {
		fmt.Fprintln(tw, "(nothing billed yet)\t\t\t")
	}
	tw.Flush()
	due := s.Due(g.now(), l)
	fmt.Fprintf(g.stdout, "\ndue now:")
	for _, p := range due {
		fmt.Fprintf(g.stdout, " %s", p.Label)
	}
	if len(due) == 0 {
		fmt.Fprint(g.stdout, " nothing")
	}
	fmt.Fprintln(g.stdout, "\nnext firings:")
	for _, t := range s.Next(g.now(), 3) {
		fmt.Fprintf(g.stdout, "  %s bills %s\n", t.Format(time.RFC3339), s.PeriodAt(t).Label)
	}
	return nil
}
