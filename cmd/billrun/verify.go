package main

import (
	"context"
	"fmt"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/job"
	"github.com/spf13/cobra"
)

type verifyOptions struct {
	config, register string
	full, restore    bool
}

func newVerifyCmd(g *globals) *cobra.Command {
	var o verifyOptions
	c := &cobra.Command{
		Use:   "verify --config FILE [--full] [--restore] [--register BACKUP]",
		Short: "Check the register and every issued file against each other (exit 1 naming each problem)",
		Long: `Check, under the state directory's lock (waiting at most 10 minutes for a run or
an issue to finish), that the register is healthy (SQLite's quick_check;
integrity_check with --full) and is the one that issued the documents in
out_dir/issued (its identity, .register-id); that its hash chain over the
issued documents holds, so that no row was changed, deleted or added since it
was issued; that every issued file has the SHA-256 the register holds; that
each period's manifest.json is the register's; and that no file under issued/
is one no document names. Each problem is printed, naming the document or
file, and the exit status is 1. The chain's head is printed: note it, and a
later verify proves nothing before it changed.

--restore renders each missing or damaged issued file again from the
register and puts it back when it has the register's SHA-256 (a damaged file
is first moved to state_dir/damaged/<period>/); anything else is reported and
left alone. --register checks a copy of the register (billrun backup) against
the issued documents instead of the state directory's.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runVerify(cmd.Context(), g, o) },
	}
	f := c.Flags()
	f.StringVar(&o.config, "config", "", "config file (required)")
	f.BoolVar(&o.full, "full", false, "SQLite's integrity_check rather than quick_check (slower: every index against its table)")
	f.BoolVar(&o.restore, "restore", false, "put back each missing or damaged issued file, rendered again from the register, when it has the register's digest")
	f.StringVar(&o.register, "register", "", "check this copy of the register (a backup) instead of the state directory's")
	return c
}

func runVerify(ctx context.Context, g *globals, o verifyOptions) error {
	if o.config == "" {
		return usagef("--config is required")
	}
	if o.restore && o.register != "" {
		return usagef("--restore puts files back from the state directory's register, not from --register's copy")
	}
	cfg, err := config.Load(o.config)
	if err != nil {
		return err
	}
	res, err := job.Verify(ctx, job.VerifyOptions{Config: cfg, Full: o.full, Restore: o.restore, Register: o.register, Now: g.now})
	if err != nil {
		return err
	}
	for _, p := range res.Restored {
		fmt.Fprintf(g.stdout, "restored %s\n", p)
	}
	for _, n := range res.Issuing {
		fmt.Fprintf(g.stdout, "%s: being issued (the next billrun issue completes it)\n", n)
	}
	for _, p := range res.Problems {
		fmt.Fprintf(g.stderr, "billrun: %s\n", p)
	}
	fmt.Fprintf(g.stdout, "register %s: %d document(s); chain head: %s\n", res.Identity, res.Documents, res.Chain.Head)
	if res.Chain.BuiltAt != "" {
		fmt.Fprintf(g.stdout, "the chain was built on %s over the %d document(s) issued before it\n", res.Chain.BuiltAt, res.Chain.BuiltOver)
	}
	if len(res.Problems) > 0 {
		return exitCodeError{code: exitError, err: fmt.Errorf("%d problem(s): the register and the issued documents do not agree", len(res.Problems))}
	}
	fmt.Fprintln(g.stdout, "every issued document matches the register")
	return nil
}
