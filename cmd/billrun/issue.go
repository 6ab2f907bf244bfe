package main

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"slices"
	"strconv"
	"strings"

	"github.com/billrun/billrun/internal/job"
	"github.com/spf13/cobra"
)

type issueOptions struct {
	config    string
	period    periodFlags
	customers []string
	accept    []string
	note      string
	wait      bool
}

func newIssueCmd(g *globals) *cobra.Command {
	var o issueOptions
	c := &cobra.Command{
		Use:   "issue --config FILE --period P [--customer ID…] [--accept ID… --note WHY] [--wait]",
		Short: "Number and issue a period's drafts: final documents, written once, read-only",
		Long: `Issue the drafts of an ended period that billrun run wrote (all, or those of
--customer): each gets the next number of the sequence (invoice.number_format),
today's date in the config's zone as its issue date, and its PDF and JSON
under out_dir/issued/<period>/, read-only; the register records it with the
files' digests. An issue interrupted at any point is completed by the next.

A draft the run flagged (low coverage, a dropped counter reset, minutes
without uptime data, a late input, text the PDF cannot set) is held: it is
listed with its reasons and not issued, and the exit status is 3. --accept ID
--note WHY issues the customer's held drafts, recording the OS user, the time,
the note and the reasons in the register (billrun invoice show prints them).
Drafts made from another config or other files than now's are refused (exit
1), naming each customer and what changed: run billrun run again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runIssue(cmd.Context(), g, o) },
	}
	f := c.Flags()
	f.StringVar(&o.config, "config", "", "config file (required)")
	f.StringVar(&o.period.period, "period", "", "billing period: YYYY-MM, YYYY-Www or YYYY-MM-DD, in the config's zone")
	f.StringArrayVar(&o.customers, "customer", nil, "only this customer's drafts (repeatable)")
	f.StringArrayVar(&o.accept, "accept", nil, "issue this customer's held drafts too (repeatable; needs --note)")
	f.StringVar(&o.note, "note", "", "why the held drafts of --accept may be issued (recorded in the register)")
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
	for _, id := range append(slices.Clone(o.customers), o.accept...) {
		if !slices.Contains(ids, id) {
			return usagef("--customer/--accept %s: no such customer in %s (customers: %s)", id, o.config, listOrNone(ids))
		}
	}
	if len(o.accept) > 0 && strings.TrimSpace(o.note) == "" {
		return usagef("--accept needs --note: why the held drafts may be issued, for the register")
	}
	if len(o.accept) == 0 && o.note != "" {
		return usagef("--note goes with --accept")
	}
	res, err := job.Issue(ctx, job.IssueOptions{Config: cfg, Period: per, Customers: o.customers, Accept: o.accept, Note: o.note, By: osUser(),
		Wait: o.wait, Now: g.now})
	printIssued(g, per.Label, res, err)
	if err == nil && len(res.Held) > 0 {
		return exitCodeError{code: exitPartial, err: fmt.Errorf("%d draft(s) held for review, not issued (see above)", len(res.Held))}
	}
	return err
}

// printIssued prints what billrun issue did: each document completed
// and issued, and each draft held with its reasons.
func printIssued(g *globals, label string, res *job.IssueResult, err error) {
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
		for _, dr := range res.Held {
			what := "invoice"
			if dr.Kind == "credit_note" {
				what = "credit note"
			}
			fmt.Fprintf(g.stdout, "held: %s's %s for %s (issue it with --accept %s --note WHY):\n", dr.CustomerID, what, dr.Period, dr.CustomerID)
			for _, r := range dr.Held {
				fmt.Fprintf(g.stdout, "  %s\n", r)
			}
		}
		if err == nil && len(res.Issued) == 0 && len(res.Held) == 0 {
			fmt.Fprintf(g.stdout, "nothing to issue for %s: no draft is waiting (billrun run drafts the period)\n", label)
		}
	}
}

// osUser is who runs billrun, as the register records an acceptance: the
// OS account's name, else $USER, else the numeric user id.
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if s := os.Getenv("USER"); s != "" {
		return s
	}
	return "uid " + strconv.Itoa(os.Getuid())
}
