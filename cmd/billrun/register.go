package main

import (
	"context"
	"fmt"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/job"
	"github.com/spf13/cobra"
)

type registerInitOptions struct {
	config   string
	forceNew bool
}

func newRegisterCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "register", Short: "The register itself: its identity, a deliberate fresh start"}
	var o registerInitOptions
	initCmd := &cobra.Command{
		Use:   "init --config FILE [--force-new]",
		Short: "Create the register, or print the identity of the one there is",
		Long: `Create the state directory's register when there is none and nothing was
issued, or print the identity (id and creation time) of the one there is.

A register that is missing, empty or another than the one that issued the
documents in out_dir/issued (named by out_dir/issued/.register-id) is refused
by every command. --force-new starts a new register anyway, on purpose: the
old register.db, if any, is kept as register.db.replaced-<time>, the new
identity is written to .register-id, and every issued file the new register
does not name is listed. Numbers start again from the sequence's first, and
an issued file of the same name is never replaced: change
invoice.number_format, or restore the old register instead.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runRegisterInit(cmd.Context(), g, o) },
	}
	f := initCmd.Flags()
	f.StringVar(&o.config, "config", "", "config file (required)")
	f.BoolVar(&o.forceNew, "force-new", false, "start a new register even beside issued documents (the old one is kept aside)")
	c.AddCommand(initCmd)
	return c
}

func runRegisterInit(ctx context.Context, g *globals, o registerInitOptions) error {
	if o.config == "" {
		return usagef("--config is required")
	}
	cfg, err := config.Load(o.config)
	if err != nil {
		return err
	}
	res, err := job.InitRegister(ctx, cfg, o.forceNew, g.now())
	if err != nil {
		return err
	}
	if res.Kept != "" {
		fmt.Fprintf(g.stdout, "the old register is kept as %s\n", res.Kept)
	}
	for _, p := range res.Orphaned {
		fmt.Fprintf(g.stdout, "orphaned: %s\n", p)
	}
	if len(res.Orphaned) > 0 {
		fmt.Fprintf(g.stdout, "%d issued file(s) are named by no document of the new register: billrun verify reports them until they are moved away\n", len(res.Orphaned))
	}
	what := "exists"
	if res.Created {
		what = "created"
	}
	fmt.Fprintf(g.stdout, "register %s %s\n", res.Identity, what)
	return nil
}
