package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/billrun/billrun/export"
	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/job"
	"github.com/billrun/billrun/internal/state"
	"github.com/spf13/cobra"
)

type invoicesOptions struct {
	config, period, customer, status, format string
}

// documentJSON is how billrun invoices and billrun invoice show print a
// document of the register.
type documentJSON struct {
	Number     string          `json:"number"`
	Kind       string          `json:"kind"`
	Status     string          `json:"status"`
	CustomerID string          `json:"customer_id"`
	Period     string          `json:"period"`
	IssueDate  string          `json:"issue_date"`
	DueDate    string          `json:"due_date"`
	Currency   string          `json:"currency"`
	Total      string          `json:"total"`
	Taxes      json.RawMessage `json:"taxes"`
	Corrects   string          `json:"corrects,omitempty"`
	PDF        string          `json:"pdf"`
	PDFSHA256  string          `json:"pdf_sha256"`
	JSON       string          `json:"json"`
	JSONSHA256 string          `json:"json_sha256"`
	XML        string          `json:"xml,omitempty"` // the e-invoice, when it is a file of its own
	XMLSHA256  string          `json:"xml_sha256,omitempty"`
	// Accepted: a draft held for review that a person issued (--accept).
	Accepted *acceptedJSON `json:"accepted,omitempty"`
}

// acceptedJSON is who issued a held draft, when, why, and what it was
// held for.
type acceptedJSON struct {
	By      string   `json:"by"`
	At      string   `json:"at"`
	Note    string   `json:"note"`
	Reasons []string `json:"reasons"`
}

func docJSON(d state.Document) documentJSON {
	return documentJSON{Number: d.Number, Kind: d.Kind, Status: d.Status, CustomerID: d.CustomerID, Period: d.Period,
		IssueDate: d.IssueDate, DueDate: d.DueDate, Currency: d.Currency, Total: d.Total, Taxes: json.RawMessage(d.Taxes),
		Corrects: d.Corrects, PDF: d.PDFPath, PDFSHA256: d.PDFSHA256, JSON: d.JSONPath, JSONSHA256: d.JSONSHA256,
		XML: d.XMLPath, XMLSHA256: d.XMLSHA256, Accepted: acceptance(d.Accepted)}
}

func acceptance(a state.Acceptance) *acceptedJSON {
	if a.By == "" && a.At == "" {
		return nil
	}
	return &acceptedJSON{By: a.By, At: a.At, Note: a.Note, Reasons: append([]string{}, a.Reasons...)}
}

func newInvoicesCmd(g *globals) *cobra.Command {
	var o invoicesOptions
	c := &cobra.Command{
		Use:   "invoices --config FILE [--period P] [--customer ID] [--status issued|issuing] [--format table|json|csv]",
		Short: "List the issued invoices and credit notes of the register",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(o.format); err != nil {
				return err
			}
			if o.status != "" && o.status != "issued" && o.status != "issuing" {
				return usagef("--status must be issued or issuing, not %q", o.status)
			}
			reg, err := openRegister(cmd.Context(), o.config)
			if err != nil {
				return err
			}
			defer reg.Close()
			if err := checkCustomerKnown(cmd.Context(), reg, o.customer); err != nil {
				return err
			}
			docs, err := reg.Documents(cmd.Context(), state.DocumentFilter{Period: o.period, CustomerID: o.customer, Status: o.status})
			if err != nil {
				return err
			}
			switch o.format {
			case "json":
				out := []documentJSON{}
				for _, d := range docs {
					out = append(out, docJSON(d))
				}
				return export.JSON(g.stdout, out)
			case "csv":
				w := csv.NewWriter(g.stdout)
				w.Write([]string{"number", "kind", "status", "customer_id", "period", "issue_date", "due_date", "currency", "total", "corrects"})
				for _, d := range docs {
					w.Write([]string{d.Number, d.Kind, d.Status, export.SafeCell(d.CustomerID), d.Period, d.IssueDate, d.DueDate, d.Currency, d.Total, d.Corrects})
				}
				w.Flush()
				return w.Error()
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "number\tkind\tstatus\tcustomer\tperiod\tissued\ttotal\tcorrects")
			for _, d := range docs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s %s\t%s\n", d.Number, d.Kind, d.Status, d.CustomerID, d.Period, d.IssueDate, d.Total, d.Currency, d.Corrects)
			}
			return tw.Flush()
		},
	}
	f := c.Flags()
	f.StringVar(&o.config, "config", "", "config file (required)")
	f.StringVar(&o.period, "period", "", "only this period (its label: 2026-10, 2026-W43, 2026-10-05)")
	f.StringVar(&o.customer, "customer", "", "only this customer")
	f.StringVar(&o.status, "status", "", "only documents of this status: issued, or issuing (interrupted)")
	f.StringVar(&o.format, "format", "table", "output: table, json or csv")
	return c
}

func newInvoiceCmd(g *globals) *cobra.Command {
	var cfgPath string
	c := &cobra.Command{Use: "invoice", Short: "One document of the register"}
	show := &cobra.Command{
		Use:   "show NUMBER --config FILE",
		Short: "Print an issued invoice or credit note, as the register holds it (JSON)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := openRegister(cmd.Context(), cfgPath)
			if err != nil {
				return err
			}
			defer reg.Close()
			d, err := reg.Document(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			var m struct {
				Invoice json.RawMessage `json:"invoice"`
			}
			if err := json.Unmarshal([]byte(d.Model), &m); err != nil {
				return fmt.Errorf("%s: %w", d.Number, err)
			}
			return export.JSON(g.stdout, struct {
				documentJSON
				Document json.RawMessage `json:"document"`
			}{docJSON(d), m.Invoice})
		},
	}
	show.Flags().StringVar(&cfgPath, "config", "", "config file (required)")
	c.AddCommand(show)
	return c
}

// openRegister opens the register of the config at path.
func openRegister(ctx context.Context, path string) (*state.Register, error) {
	if path == "" {
		return nil, usagef("--config is required")
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	return state.OpenFor(ctx, job.StateDir(cfg, cfg.OutDir), job.IssuedDir(cfg))
}

// checkCustomerKnown refuses, as a usage error listing the customers the
// register has documents of, an id it has none of: a typo would otherwise
// list nothing and look like an answer.
func checkCustomerKnown(ctx context.Context, reg *state.Register, id string) error {
	if id == "" {
		return nil
	}
	all, err := reg.Documents(ctx, state.DocumentFilter{})
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, d := range all {
		known[d.CustomerID] = true
	}
	if known[id] {
		return nil
	}
	return usagef("--customer %s: the register has no document of it (it has: %s)", id, listOrNone(slices.Sorted(maps.Keys(known))))
}

// listOrNone is ids joined with commas, or "none".
func listOrNone(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}
