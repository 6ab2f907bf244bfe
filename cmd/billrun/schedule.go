package main

import (
	"context"
	"fmt"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/billrun/billrun/schedules"
	"github.com/spf13/cobra"
)

type scheduleOptions struct {
	config           string
	next             int
	systemd, crontab bool
}

func newScheduleCmd(g *globals) *cobra.Command {
	var o scheduleOptions
	c := &cobra.Command{
		Use:   "schedule --config FILE [--next N | --systemd | --crontab]",
		Short: "Print the next firing times and the period each would bill, or the timer or crontab for them",
		Long: `Print the next firings of the config's schedule in its zone and the period
each bills. --systemd prints billrun-catchup.timer and --crontab a crontab
(/etc/cron.d) for the schedule, both in the config's timezone, whatever the
system's zone: a server in Asia/Tokyo billing Europe/Berlin months fires at
03:00 in Berlin, after the month has ended there.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runSchedule(cmd.Context(), g, o) },
	}
	f := c.Flags()
	f.StringVar(&o.config, "config", "", "config file (required)")
	f.IntVar(&o.next, "next", 5, "how many firings")
	f.BoolVar(&o.systemd, "systemd", false, "print the systemd timer (billrun-catchup.timer) for the schedule")
	f.BoolVar(&o.crontab, "crontab", false, "print the crontab line for the schedule, with CRON_TZ")
	return c
}

func runSchedule(ctx context.Context, g *globals, o scheduleOptions) error {
	if o.next < 1 || o.next > 1000 {
		return usagef("--next must be 1..1000")
	}
	if o.systemd && o.crontab {
		return usagef("--systemd and --crontab exclude each other")
	}
	s, cfg, err := schedulerView(o.config)
	if err != nil {
		return err
	}
	zone := cfg.Location().String()
	switch {
	case o.systemd:
		event, err := schedules.OnCalendar(cfg.Schedule, zone)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(g.stdout, timerUnit, cfg.Schedule, zone, event)
		return err
	case o.crontab:
		abs, err := filepath.Abs(o.config) // cron runs it from elsewhere
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(g.stdout, crontab, zone, cfg.Schedule, abs)
		return err
	}
	tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "firing\tbills")
	for _, t := range s.Next(g.now(), o.next) {
		fmt.Fprintf(tw, "%s\t%s\n", t.Format(time.RFC3339), s.PeriodAt(t).Label)
	}
	return tw.Flush()
}

// timerUnit is billrun-catchup.timer: the schedule (%[1]s) in the
// config's zone (%[2]s) as a calendar event (%[3]s).
const timerUnit = `# Written by billrun schedule --systemd: fires billrun-catchup.service at
# %[1]q in %[2]s, the config's schedule and zone, whatever the
# system's zone. Persistent makes systemd run a missed firing at the next
# boot; the ledger would catch it up anyway.
[Unit]
Description=billrun: monthly billing

[Timer]
OnCalendar=%[3]s
Persistent=true
RandomizedDelaySec=0

[Install]
WantedBy=timers.target
`

// crontab is the /etc/cron.d line for the schedule (%[2]s) in the
// config's zone (%[1]s), for the config at %[3]s.
const crontab = `# Written by billrun schedule --crontab: billrun from cron (instead of the
# daemon or the systemd timer) bills every due period once, at the config's
# schedule in its zone. Not every cron honours CRON_TZ (cronie does; see
# crontab(5) of yours): one that ignores it fires in the system's zone, and
# then the systemd timer or the daemon is the one to use. Runs as the
# billrun user; cron's mail carries the output. The ledger catches up
# missed months; the lock keeps it from overlapping a manual billrun run.
CRON_TZ=%[1]s
%[2]s billrun /usr/local/bin/billrun catch-up --wait --config %[3]s --metrics-file /var/lib/node_exporter/textfile_collector/billrun.prom
`
