package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/billrun/billrun/export"
	"github.com/billrun/billrun/internal/state"
	"github.com/spf13/cobra"
)

type deliveriesOptions struct {
	config, period, status, format string
	all                            bool
}

// deliveryJSON is how billrun deliveries prints one delivery.
type deliveryJSON struct {
	Number      string          `json:"number"`
	CustomerID  string          `json:"customer_id"`
	Period      string          `json:"period"`
	Recipient   string          `json:"recipient"`
	Status      string          `json:"status"`
	Purpose     string          `json:"purpose,omitempty"`
	MessageID   string          `json:"message_id"`
	Attempts    int             `json:"attempts"`
	FirstAt     string          `json:"first_at"`
	UpdatedAt   string          `json:"updated_at"`
	NextAt      string          `json:"next_at,omitempty"`
	Reply       string          `json:"reply,omitempty"`
	Attachments json.RawMessage `json:"attachments,omitempty"`
}

// shownStatus is a delivery's status as billrun shows it: one left
// sending by no running send is uncertain.
func shownStatus(d state.Delivery) string {
	if d.Status == state.DeliverySending {
		return "uncertain"
	}
	return d.Status
}

func newDeliveriesCmd(g *globals) *cobra.Command {
	var o deliveriesOptions
	c := &cobra.Command{
		Use:   "deliveries --config FILE [--period P] [--status sent|retry|failed|uncertain] [--all] [--format table|json|csv]",
		Short: "List the delivery log: each issued document's e-mail to each recipient",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(o.format); err != nil {
				return err
			}
			status := o.status
			switch status {
			case "", "sent", "retry", "failed":
			case "uncertain":
				status = state.DeliverySending
			default:
				return usagef("--status must be sent, retry, failed or uncertain, not %q", o.status)
			}
			reg, err := openRegister(cmd.Context(), o.config)
			if err != nil {
				return err
			}
			defer reg.Close()
			ds, err := reg.Deliveries(cmd.Context(), state.DeliveryFilter{Period: o.period, Status: status}, o.all)
			if err != nil {
				return err
			}
			return printDeliveries(g, ds, o.format)
		},
	}
	f := c.Flags()
	f.StringVar(&o.config, "config", "", "config file (required)")
	f.StringVar(&o.period, "period", "", "only this period's documents")
	f.StringVar(&o.status, "status", "", "only deliveries of this status: sent, retry, failed or uncertain")
	f.BoolVar(&o.all, "all", false, "every attempt logged, not only each delivery's latest")
	f.StringVar(&o.format, "format", "table", "output: table, json or csv")
	return c
}

func printDeliveries(g *globals, ds []state.Delivery, format string) error {
	switch format {
	case "json":
		out := []deliveryJSON{}
		for _, d := range ds {
			j := deliveryJSON{Number: d.Number, CustomerID: d.CustomerID, Period: d.Period, Recipient: d.Recipient, Status: shownStatus(d),
				Purpose: d.Purpose, MessageID: d.MessageID, Attempts: d.Attempts, FirstAt: d.FirstAt, UpdatedAt: d.UpdatedAt, NextAt: d.NextAt, Reply: d.Reply}
			if d.Attachments != "" {
				j.Attachments = json.RawMessage(d.Attachments)
			}
			out = append(out, j)
		}
		return export.JSON(g.stdout, out)
	case "csv":
		w := csv.NewWriter(g.stdout)
		w.Write([]string{"number", "customer_id", "period", "recipient", "status", "purpose", "message_id", "attempts", "first_at", "updated_at", "next_at", "reply"})
		for _, d := range ds {
			w.Write([]string{d.Number, export.SafeCell(d.CustomerID), d.Period, export.SafeCell(d.Recipient), shownStatus(d), d.Purpose, d.MessageID,
				fmt.Sprint(d.Attempts), d.FirstAt, d.UpdatedAt, d.NextAt, export.SafeCell(d.Reply)})
		}
		w.Flush()
		return w.Error()
	}
	tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "number\tcustomer\trecipient\tstatus\tattempts\tupdated\treply")
	for _, d := range ds {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", d.Number, d.CustomerID, d.Recipient, shownStatus(d), d.Attempts, d.UpdatedAt, d.Reply)
	}
	return tw.Flush()
}
