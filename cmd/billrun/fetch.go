package main

import (
	"context"
	"fmt"
	"time"

	"github.com/billrun/billrun/internal/rrdcached"
	"github.com/billrun/billrun/internal/timespec"
	"github.com/billrun/billrun/rrdfetch"
	"github.com/spf13/cobra"
)

type fetchOptions struct {
	file, cf   string
	start, end string // rrdtool time specs; "" = rrdtool's defaults
	resolution string
	alignStart bool
	daemon     string
}

func newFetchCmd(g *globals) *cobra.Command {
	var o fetchOptions
	c := &cobra.Command{
		Use:   "fetch FILE CF",
		Short: "Print an RRD's rows exactly as `rrdtool fetch` does",
		Long: `Print an RRD's rows exactly as rrdtool fetch (1.7.2) does, read in pure Go.

Time specs as rrdtool's rrd_parsetime reads them: epoch seconds, now, start
and end with offsets (now-2h, end-1d, start+1mon; units s, min, h, d, w, mon,
y), times of day (noon, midnight, teatime, 8am, 14:30) and dates (yesterday,
tomorrow, friday, 20261110, Nov 10 2026, 10.11.2026, 11/10/2026), combined
as in "noon yesterday -1h". Read in the local zone (TZ). Defaults as rrdtool:
--end now, --start end-1d.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.file, o.cf = args[0], args[1]
			return runFetch(cmd.Context(), g, o)
		},
	}
	f := c.Flags()
	f.StringVarP(&o.start, "start", "s", "", "start time (default end-1d)")
	f.StringVarP(&o.end, "end", "e", "", "end time (default now)")
	f.StringVarP(&o.resolution, "resolution", "r", "", "wanted resolution, e.g. 300 or 5min")
	f.BoolVarP(&o.alignStart, "align-start", "a", false, "align start to the resolution")
	f.StringVarP(&o.daemon, "daemon", "d", "", "rrdcached address to FLUSH the file through first (default $RRDCACHED_ADDRESS)")
	return c
}

func runFetch(ctx context.Context, g *globals, o fetchOptions) error {
	start, end, err := timespec.Resolve(o.start, o.end, g.now(), time.Local)
	if err != nil {
		return err
	}
	var res int64
	if o.resolution != "" {
		if res, err = timespec.ParseResolution(o.resolution); err != nil {
			return fmt.Errorf("resolution: %w", err)
		}
	}
	if err := rrdcached.FlushFiles(ctx, o.daemon, o.file); err != nil {
		return err
	}
	f, err := rrdfetch.Open(o.file)
	if err != nil {
		return err
	}
	defer f.Close()
	d, err := f.Fetch(o.cf, start, end, res, o.alignStart)
	if err != nil {
		return err
	}
	return d.WriteText(g.stdout)
}
