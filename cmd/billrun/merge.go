package main

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/billrun/billrun/export"
	"github.com/billrun/billrun/internal/atomicfile"
	"github.com/billrun/billrun/internal/inputfile"
	"github.com/billrun/billrun/report"
	"github.com/spf13/cobra"
)

type mergeOptions struct {
	files []string
	out   string
}

func newMergeCmd(g *globals) *cobra.Command {
	var o mergeOptions
	c := &cobra.Command{
		Use:   "merge SHARD.json… [--out FILE]",
		Short: "Merge the usage JSON of shards (billrun usage --shard K/N) into one",
		Long: `Merge partial usage reports of one period into the report a single run
over all their files gives (VPS by name, errors by file). Feed it to
billrun run --usage FILE to invoice centrally; the invoices are byte-identical
to a single run's.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.files = args
			return runMerge(cmd.Context(), g, o)
		},
	}
	c.Flags().StringVarP(&o.out, "out", "o", "", "write the merged JSON here (atomically) instead of stdout")
	return c
}

func runMerge(ctx context.Context, g *globals, o mergeOptions) error {
	var parts []*report.UsageReport
	for _, name := range o.files {
		f, _, err := inputfile.Open(name)
		if err != nil {
			return err
		}
		u, err := report.ReadUsage(io.LimitReader(f, maxUsageBytes))
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		parts = append(parts, u)
	}
	m, err := report.MergeUsage(parts)
	if err != nil {
		return err
	}
	if o.out == "" {
		return export.JSON(g.stdout, m)
	}
	var b bytes.Buffer
	if err := export.JSON(&b, m); err != nil {
		return err
	}
	return atomicfile.WriteFile(o.out, b.Bytes())
}

// maxUsageBytes bounds a usage JSON read by merge and run --usage: some
// 8 KB per VPS with its daily series, so 2 GiB is a quarter of a million.
const maxUsageBytes = 2 << 30
