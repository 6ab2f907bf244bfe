package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/billrun/billrun/internal/job"
	"github.com/spf13/cobra"
)

type issueOptions struct {
	config    string
	period    periodFlags
	customers []string
	wait      bool
}

func newIssueCmd(g *globals) *cobra.Command {
	var o issueOptions
	c := &cobra.Command{
		Use:   "issue --config FILE --period P [--customer ID…] [--wait]",
		Short: "Number and issue a period's drafts: final documents, written once, read-only",
		Long: `Issue the drafts of an ended period that billrun run wrote (all, or those of
--customer): each gets the next number of the sequence (invoice.number_format),
today's date in the config's zone as its issue date, and its PDF and JSON
under out_dir/issued/<period>/, read-only; the register records it with the
files' digests. An issue interrupted at any point is completed by the next.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runIssue(cmd.Context(), g, o) },
	}
	f := c.Flags()
	f.StringVar(&o.config, "config", "", "config file (required)")
	f.StringVar(&o.period.period, "period", "", "billing period: YYYY-MM, YYYY-Www or YYYY-MM-DD, in the config's zone")
	f.StringArrayVar(&o.customers, "customer", nil, "only this customer's drafts (repeatable)")
	f.BoolVar(&o.wait, "wait", false, "wait for another run holding the state directory")
	return c
}

func runIssue(ctx context.Context, g *globals, o issueOptions) error {
	cfg, per, err := configPeriod(o.config, &o.period)
	if err != nil {
		return err
	}
	var ids []string
	for _, cu := range cfg.Customers {
		ids = append(ids, cu.ID)
	}
	for _, id := range o.customers {
		if !slices.Contains(ids, id) {
			return usagef("--customer %s: no such customer in %s (customers: %s)", id, o.config, listOrNone(ids))
		}
	}
	res, err := job.Issue(ctx, job.IssueOptions{Config: cfg, Period: per, Customers: o.customers, Wait: o.wait, Now: g.now})
	if res != nil {
		for _, d := range res.Recovered {
			fmt.Fprintf(g.stdout, "%s: completed (an earlier billrun issue was interrupted)\n", d.Number)
		}
		for _, d := range res.Issued {
			what := "invoice"
			if d.Kind == "credit_note" {
				what = "credit note, reverses " + d.Corrects
			} else if d.Corrects != "" {
				what = "invoice, replaces " + d.Corrects
			}
			fmt.Fprintf(g.stdout, "%s: %s for %s, %s %s (%s)\n", d.Number, d.CustomerID, d.Period, d.Total, d.Currency, what)
		}
		if err == nil && len(res.Issued) == 0 {
			fmt.Fprintf(g.stdout, "nothing to issue for %s: no draft is waiting (billrun run drafts the period)\n", per.Label)
		}
	}
	return err
}
