package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/internal/state"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/job"
	"github.com/billrun/billrun/schedules"
	"github.com/spf13/cobra"
)

type daemonOptions struct {
	config      string
	metricsFile string
	wait        bool
	noWaitSet   bool
}

func (o *daemonOptions) flags(c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&o.config, "config", "", "config file (required)")
	f.StringVar(&o.metricsFile, "metrics-file", "", "Prometheus textfile-collector file to write after every run")
	f.BoolVar(&o.wait, "wait", false, "wait for another run holding the state directory")
	f.BoolVar(&o.noWaitSet, "no-wait", false, "exit 4 at once when another run holds the state directory (the default)")
}

func newDaemonCmd(g *globals) *cobra.Command {
	var o daemonOptions
	c := &cobra.Command{
		Use:   "daemon --config FILE [--metrics-file F]",
		Short: "Bill every period on the config's schedule, catching up what was missed",
		Long: `Run until SIGTERM/SIGINT: catch up now, then at every firing of the config's
schedule (cron, default "0 3 1 * *", in the config's timezone) bill every
complete period after the last one in the ledger (state_dir/register.db), at
most lookback periods back, oldest first.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := newScheduler(g, o)
			if err != nil {
				return err
			}
			return s.Loop(cmd.Context())
		},
	}
	o.flags(c)
	return c
}

func newCatchUpCmd(g *globals) *cobra.Command {
	var o daemonOptions
	c := &cobra.Command{
		Use:   "catch-up --config FILE [--metrics-file F]",
		Short: "Bill every due period once and exit (for cron or a systemd timer)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := newScheduler(g, o)
			if err != nil {
				return err
			}
			return s.CatchUp(cmd.Context())
		},
	}
	o.flags(c)
	return c
}

// newScheduler wires the config, the billing run and the clock.
func newScheduler(g *globals, o daemonOptions) (*schedules.Scheduler, error) {
	if o.config == "" {
		return nil, usagef("--config is required")
	}
	if o.wait && o.noWaitSet {
		return nil, usagef("--wait and --no-wait exclude each other")
	}
	cfg, err := config.Load(o.config)
	if err != nil {
		return nil, err
	}
	setMemoryLimit(cfg)
	if cfg.OutDir == "" {
		return nil, fmt.Errorf("%s: out_dir is required for scheduled runs", o.config)
	}
	sch, err := schedules.ParseSpec(cfg.Schedule)
	if err != nil {
		return nil, err
	}
	return &schedules.Scheduler{
		Schedule: sch, Location: cfg.Location(), Kind: period.KindMonth,
		StateDir: job.StateDir(cfg, cfg.OutDir), Lookback: cfg.Lookback,
		Now: g.now, Sleep: schedules.RealSleep, Log: g.log, Retries: 4, Backoff: 30 * time.Second,
		Metrics: schedules.NewMetrics(o.metricsFile),
		Run: func(ctx context.Context, p period.Period) (schedules.Outcome, error) {
			return billPeriod(ctx, g, cfg, p, o.wait)
		},
		Issue:  autoIssue(g, cfg, o.wait),
		Begins: begins(cfg),
	}, nil
}

// begins is when the config's billing may begin (see job.Begins).
func begins(cfg *config.Config) func(context.Context, bool) (time.Time, bool, error) {
	return func(ctx context.Context, billed bool) (time.Time, bool, error) { return job.Begins(ctx, cfg, billed) }
}

// autoIssue issues, when the config's issue.after is set, the waiting
// drafts of every drafted period that ended at least that long ago; then,
// with send.after_issue, it sends what is issued and not yet delivered
// (and the retries that are due).
func autoIssue(g *globals, cfg *config.Config, wait bool) func(context.Context) error {
	after := cfg.Issue.AfterDuration
	if after == 0 && !cfg.Send.AfterIssue {
		return nil
	}
	return func(ctx context.Context) error {
		if after != 0 {
			if err := issueDue(ctx, g, cfg, after, wait); err != nil {
				return err
			}
		}
		if cfg.Send.AfterIssue {
			autoSend(ctx, g, cfg, wait)
		}
		return nil
	}
}

// issueDue issues the waiting drafts of the periods that ended at least
// after ago.
func issueDue(ctx context.Context, g *globals, cfg *config.Config, after time.Duration, wait bool) error {
	l, err := state.LoadLedger(job.StateDir(cfg, cfg.OutDir))
	if err != nil {
		return err
	}
	for _, e := range l.Entries {
		p, err := period.Parse(e.Period, cfg.Location())
		if err != nil || g.now().Before(p.End.Add(after)) {
			continue // a custom period, or not yet due to be issued
		}
		res, err := job.Issue(ctx, job.IssueOptions{Config: cfg, Period: p, Wait: wait, Now: g.now})
		if err != nil {
			return fmt.Errorf("issue %s: %w", p.Label, err)
		}
		for _, d := range res.Issued {
			g.log.Info("issued", "number", d.Number, "customer", d.CustomerID, "period", d.Period, "total", d.Total, "currency", d.Currency)
		}
		for _, d := range res.Held {
			g.log.Warn("held for review, not issued (billrun issue --accept)", "customer", d.CustomerID, "period", d.Period, "kind", d.Kind,
				"reasons", strings.Join(d.Held, "; "))
		}
	}
	return nil
}

// autoSend sends what is issued and not delivered. Its failures are
// logged, never returned: a delivery that fails or is uncertain does not
// block the next month's billing (billrun deliveries and the metrics
// show it).
func autoSend(ctx context.Context, g *globals, cfg *config.Config, wait bool) {
	res, err := job.Send(ctx, job.SendOptions{Config: cfg, Wait: wait, Now: g.now})
	if err != nil {
		g.log.Error("sending failed; the next firing tries again", "error", err)
	}
	if res == nil {
		return
	}
	for _, o := range res.Sent {
		g.log.Info("sent", "documents", strings.Join(o.Numbers, " "), "to", strings.Join(o.Recipients, " "), "reply", o.Reply)
	}
	for _, o := range append(res.Retry, res.Failed...) {
		g.log.Warn("not delivered (billrun deliveries)", "documents", strings.Join(o.Numbers, " "), "to", strings.Join(o.Recipients, " "), "reply", o.Reply)
	}
	for _, o := range res.Uncertain {
		g.log.Warn("uncertain: a stopped send may have delivered it (billrun send --resend-uncertain)", "documents", strings.Join(o.Numbers, " "))
	}
}

// billPeriod is the scheduled billing run: the job as billrun run runs
// it, once per period (a period the ledger has is not drafted again).
func billPeriod(ctx context.Context, g *globals, cfg *config.Config, p period.Period, wait bool) (schedules.Outcome, error) {
	progress, done := progressBar(g.stderr)
	res, err := job.Run(ctx, job.Options{Config: cfg, Period: p, OutDir: cfg.OutDir, Record: true, Once: true, Wait: wait, Now: g.now, Version: version, Progress: progress})
	done()
	if err != nil {
		return schedules.Outcome{}, err
	}
	out := schedules.Outcome{ManifestDigest: res.ManifestDigest, FilesRead: res.FilesRead, Problems: len(res.Problems)}
	if res.Partial {
		return out, fmt.Errorf("partial run: some invoices could not be drafted (see %s/manifest.json)", res.Dir)
	}
	return out, nil
}
