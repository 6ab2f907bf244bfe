package main

import (
	"bufio"
	"context"

	"github.com/billrun/billrun/internal/rrdcached"
	"github.com/billrun/billrun/rrdfetch"
	"github.com/spf13/cobra"
)

type infoOptions struct {
	file   string
	daemon string
}

func newInfoCmd(g *globals) *cobra.Command {
	var o infoOptions
	c := &cobra.Command{
		Use:   "info FILE",
		Short: "Print an RRD's header exactly as `rrdtool info` does",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.file = args[0]
			return runInfo(cmd.Context(), g, o)
		},
	}
	c.Flags().StringVarP(&o.daemon, "daemon", "d", "", "rrdcached address to FLUSH the file through first (default $RRDCACHED_ADDRESS)")
	return c
}

func runInfo(ctx context.Context, g *globals, o infoOptions) error {
	if err := rrdcached.FlushFiles(ctx, o.daemon, o.file); err != nil {
		return err
	}
	f, err := rrdfetch.Open(o.file)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(g.stdout)
	for _, l := range f.Header().Info(o.file) {
		w.WriteString(l.String())
		w.WriteByte('\n')
	}
	return w.Flush()
}
