package main

import (
	"context"
	"fmt"
	"time"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/job"
	"github.com/spf13/cobra"
)

type backupOptions struct {
	config, to string
	wait       time.Duration
}

func newBackupCmd(g *globals) *cobra.Command {
	var o backupOptions
	c := &cobra.Command{
		Use:   "backup --config FILE --to FILE",
		Short: "Write a consistent, checked copy of the register (never over an existing file)",
		Long: `Copy the register with SQLite's VACUUM INTO while holding the state directory's
lock (so no run or issue writes meanwhile), open the copy, check it
(integrity_check and the hash chain), and only then put it at --to, which must
not exist. billrun verify --config FILE --register BACKUP checks a backup
against the issued documents; docs/operations.md shows a daily backup and a
restore.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runBackup(cmd.Context(), g, o) },
	}
	f := c.Flags()
	f.StringVar(&o.config, "config", "", "config file (required)")
	f.StringVar(&o.to, "to", "", "the backup file to write (required; must not exist)")
	f.DurationVar(&o.wait, "wait", 10*time.Minute, "how long to wait for a run or an issue holding the state directory")
	return c
}

func runBackup(ctx context.Context, g *globals, o backupOptions) error {
	if o.config == "" || o.to == "" {
		return usagef("--config and --to are required")
	}
	if o.wait <= 0 {
		return usagef("--wait must be positive, not %s", o.wait)
	}
	cfg, err := config.Load(o.config)
	if err != nil {
		return err
	}
	id, rep, err := job.Backup(ctx, cfg, o.to, o.wait)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "backed up register %s to %s; chain head: %s\n", id, o.to, rep.Head)
	return nil
}
