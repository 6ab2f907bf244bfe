package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/job"
	"github.com/spf13/cobra"
)

type sendOptions struct {
	config, period, out     string
	customers, resend       []string
	dryRun, resendUncertain bool
	wait                    bool
}

func newSendCmd(g *globals) *cobra.Command {
	var o sendOptions
	c := &cobra.Command{
		Use:   "send --config FILE [--period P] [--customer ID…] [--dry-run --out DIR] [--resend-uncertain] [--resend NUMBER…]",
		Short: "E-mail every issued document not yet delivered to its customer, once, logging each delivery",
		Long: `Send e-mails each issued document not yet delivered (of --period, of
--customer) to the customer's email, with copies to email_cc, through the
config's smtp server: a short text in the customer's language, the PDF and
the e-invoice XML attached; a credit note and its replacement travel in one
message. Each delivery is logged in the register as sending before the SMTP
transaction and as sent (the server's reply, the attachments' SHA-256),
retry (refused for now: 4xx, a dropped connection; tried again by the next
send once due, until send.retry_for) or failed (refused for good: 5xx) after
it. A second send sends nothing again.

A send stopped between the two log entries leaves the delivery uncertain:
the server may or may not have it. The next send lists it and sends it again
only with --resend-uncertain. --resend NUMBER sends a document again on
purpose, logged as such. --dry-run --out DIR writes each message as an .eml
file and sends and logs nothing. The exit status is 3 when a delivery is
left failed, to retry or uncertain (billrun deliveries lists them).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runSend(cmd.Context(), g, o) },
	}
	f := c.Flags()
	f.StringVar(&o.config, "config", "", "config file (required)")
	f.StringVar(&o.period, "period", "", "only this period's documents (its label: 2026-10)")
	f.StringArrayVar(&o.customers, "customer", nil, "only this customer's documents (repeatable)")
	f.BoolVar(&o.dryRun, "dry-run", false, "write the messages as .eml files into --out instead of sending them")
	f.StringVar(&o.out, "out", "", "directory for --dry-run's .eml files")
	f.BoolVar(&o.resendUncertain, "resend-uncertain", false, "send again what an interrupted send may not have delivered")
	f.StringArrayVar(&o.resend, "resend", nil, "send this document again on purpose (repeatable)")
	f.BoolVar(&o.wait, "wait", false, "wait for another run holding the state directory")
	return c
}

func runSend(ctx context.Context, g *globals, o sendOptions) error {
	if o.config == "" {
		return usagef("--config is required")
	}
	if o.dryRun != (o.out != "") {
		return usagef("--dry-run and --out go together")
	}
	cfg, err := config.Load(o.config)
	if err != nil {
		return err
	}
	for _, id := range o.customers {
		if cfg.Customer(id) == nil {
			return usagef("--customer %s: no such customer in %s", id, o.config)
		}
	}
	res, err := job.Send(ctx, job.SendOptions{Config: cfg, Period: o.period, Customers: o.customers, DryRun: o.dryRun, Out: o.out,
		ResendUncertain: o.resendUncertain, Resend: o.resend, Wait: o.wait, Now: g.now})
	if res != nil {
		printSent(g, res)
	}
	if err == nil && res != nil && len(res.Failed)+len(res.Retry)+len(res.Uncertain) > 0 {
		return exitCodeError{code: exitPartial, err: fmt.Errorf("%d message(s) failed, %d to retry, %d uncertain (billrun deliveries lists them)",
			len(res.Failed), len(res.Retry), len(res.Uncertain))}
	}
	return err
}

// printSent prints what billrun send did, a line per message.
func printSent(g *globals, res *job.SendResult) {
	line := func(what string, o job.Outcome) {
		fmt.Fprintf(g.stdout, "%s: %s to %s", what, strings.Join(o.Numbers, " + "), strings.Join(o.Recipients, ", "))
		if o.Reply != "" {
			fmt.Fprintf(g.stdout, " (%s)", strings.TrimSpace(o.Reply))
		}
		fmt.Fprintln(g.stdout)
	}
	for _, o := range res.Sent {
		line("sent", o)
	}
	for _, o := range res.Retry {
		line("retry", o)
	}
	for _, o := range res.Failed {
		line("failed", o)
	}
	for _, o := range res.Uncertain {
		line("uncertain (an earlier send stopped during it; --resend-uncertain sends it again)", o)
	}
	for _, f := range res.Written {
		fmt.Fprintf(g.stdout, "written: %s\n", f)
	}
	if len(res.NoAddress) > 0 {
		fmt.Fprintf(g.stdout, "not sent, the customer has no email: %s\n", strings.Join(res.NoAddress, ", "))
	}
	if len(res.Sent)+len(res.Retry)+len(res.Failed)+len(res.Uncertain)+len(res.Written) == 0 {
		fmt.Fprintln(g.stdout, "nothing to send: every issued document selected is delivered")
	}
}
