package main

import (
	"context"
	"fmt"
	"slices"
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
		StateDir: job.StateDir(cfg, cfg.OutDir), Lookback: cfg.Lookback, Begins: begins(cfg)}, cfg, nil
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
	due, err := s.Due(ctx, g.now(), l)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "\ndue now:")
	for _, p := range due {
		fmt.Fprintf(g.stdout, " %s", p.Label)
	}
	if len(due) == 0 {
		fmt.Fprint(g.stdout, " nothing")
	}
	if err := registerStatus(ctx, g, s.StateDir, job.IssuedDir(cfg)); err != nil {
		return err
	}
	fmt.Fprintln(g.stdout, "\nnext firings:")
	for _, t := range s.Next(g.now(), 3) {
		fmt.Fprintf(g.stdout, "  %s bills %s\n", t.Format(time.RFC3339), s.PeriodAt(t).Label)
	}
	return nil
}

// registerStatus prints, per period, the drafts waiting to be issued (the
// corrections among them) and what was issued.
func registerStatus(ctx context.Context, g *globals, stateDir, issuedDir string) error {
	reg, err := state.OpenFor(ctx, stateDir, issuedDir)
	if err != nil {
		return err
	}
	defer reg.Close()
	drafts, err := reg.Drafts(ctx, "", "waiting")
	if err != nil {
		return err
	}
	docs, err := reg.Documents(ctx, state.DocumentFilter{})
	if err != nil {
		return err
	}
	type count struct{ drafts, corrections, held, issued, credit, issuing int }
	byPeriod := map[string]*count{}
	var periods []string
	at := func(p string) *count {
		if byPeriod[p] == nil {
			byPeriod[p] = &count{}
			periods = append(periods, p)
		}
		return byPeriod[p]
	}
	for _, d := range drafts {
		c := at(d.Period)
		if len(d.Held) > 0 && d.Kind == "invoice" {
			c.held++
		}
		if d.Corrects != "" {
			if d.Kind == "credit_note" {
				c.corrections++
			}
			continue
		}
		c.drafts++
	}
	for _, d := range docs {
		c := at(d.Period)
		switch {
		case d.Status != "issued":
			c.issuing++
		case d.Kind == "credit_note":
			c.credit++
		default:
			c.issued++
		}
	}
	slices.Sort(periods)
	fmt.Fprintln(g.stdout, "\ninvoices:")
	if len(periods) == 0 {
		fmt.Fprintln(g.stdout, "  nothing drafted or issued yet")
	}
	for _, p := range periods {
		c := byPeriod[p]
		fmt.Fprintf(g.stdout, "  %s: %d draft(s) waiting, %d correction(s) pending, %d invoice(s) and %d credit note(s) issued", p, c.drafts, c.corrections, c.issued, c.credit)
		if c.held > 0 {
			fmt.Fprintf(g.stdout, ", %d held for review (billrun issue lists why)", c.held)
		}
		if c.issuing > 0 {
			fmt.Fprintf(g.stdout, ", %d interrupted (billrun issue completes them)", c.issuing)
		}
		fmt.Fprintln(g.stdout)
	}
	if len(docs) == 0 {
		return nil
	}
	dc, err := reg.DeliveryCounts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "\ndeliveries: %d document(s) unsent, %d uncertain (billrun send --resend-uncertain), %d to retry, %d failed (billrun deliveries lists them)\n",
		dc.Unsent, dc.Uncertain, dc.Retry, dc.Failed)
	return nil
}
