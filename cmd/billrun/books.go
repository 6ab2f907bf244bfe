package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/billrun/billrun/export"
	"github.com/billrun/billrun/internal/atomicfile"
	"github.com/billrun/billrun/internal/books"
	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/job"
	"github.com/billrun/billrun/internal/period"
	"github.com/billrun/billrun/internal/state"
	"github.com/spf13/cobra"
)

type booksOptions struct {
	config, period, from, to, out, format string
}

func newBooksCmd(g *globals) *cobra.Command {
	var o booksOptions
	c := &cobra.Command{
		Use:   "books --config FILE (--period P | --from P --to P) [--out FILE] [--format xlsx|csv|json]",
		Short: "The issued documents of a month, quarter or year, with the VAT return, EU sales list and OSS figures",
		Long: `books lists every document the register issued in the time given (a
document counts in the period it was issued in, as a VAT return counts it):
number, kind, dates, customer, country, VAT ID, net, VAT and gross per
currency, and each VAT rate's section of the VAT return. The workbook adds
the VAT return per category and rate, the EU sales list, the OSS return
and, for a German issuer, the UStVA lines. They summarize; they file nothing.

--period is a month (2026-11), a quarter (2026-Q4) or a year (2026); --from
and --to are months, both included. The workbook goes to --out, by default
OUT_DIR/books-<period>.xlsx; CSV and JSON go to stdout unless --out is given.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runBooks(cmd.Context(), g, o) },
	}
	f := c.Flags()
	f.StringVar(&o.config, "config", "", "config file (required)")
	f.StringVar(&o.period, "period", "", "a month (2026-11), quarter (2026-Q4) or year (2026)")
	f.StringVar(&o.from, "from", "", "the first month (with --to)")
	f.StringVar(&o.to, "to", "", "the last month, included (with --from)")
	f.StringVar(&o.out, "out", "", "file to write (default for xlsx: OUT_DIR/books-<period>.xlsx)")
	f.StringVar(&o.format, "format", "xlsx", "xlsx, csv or json")
	return c
}

func runBooks(ctx context.Context, g *globals, o booksOptions) error {
	switch o.format {
	case "xlsx", "csv", "json":
	default:
		return usagef("--format must be xlsx, csv or json, not %q", o.format)
	}
	if o.config == "" {
		return usagef("--config is required")
	}
	cfg, err := config.Load(o.config)
	if err != nil {
		return err
	}
	from, to, label, err := booksRange(o, cfg.Location())
	if err != nil {
		return err
	}
	reg, err := state.OpenFor(ctx, job.StateDir(cfg, cfg.OutDir), job.IssuedDir(cfg))
	if err != nil {
		return err
	}
	defer reg.Close()
	b, err := job.Books(ctx, cfg, reg, from, to)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	switch o.format {
	case "xlsx":
		err = export.BooksXLSX(&buf, b, to.End)
	case "csv":
		err = export.BooksCSV(&buf, b)
	default:
		err = export.BooksJSON(&buf, b)
	}
	if err != nil {
		return err
	}
	out := o.out
	if out == "" && o.format == "xlsx" {
		out = filepath.Join(cfg.OutDir, "books-"+label+".xlsx")
	}
	if out == "" {
		_, err := g.stdout.Write(buf.Bytes())
		return err
	}
	if err := atomicfile.WriteFile(out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "%s: %d document(s) issued %s\n", out, len(b.Entries), describe(b))
	return nil
}

// describe is the books' time in words: "in 2026-11", "from 2026-10 to 2026-12".
func describe(b books.Books) string {
	if b.From == b.To {
		return "in " + b.From
	}
	return "from " + b.From + " to " + b.To
}

var (
	quarterRE = regexp.MustCompile(`^(\d{4})-Q([1-4])$`)
	yearRE    = regexp.MustCompile(`^\d{4}$`)
)

// booksRange is the first and last month --period or --from and --to
// give, and the label of the whole.
func booksRange(o booksOptions, loc *time.Location) (from, to period.Period, label string, err error) {
	switch {
	case o.period != "" && (o.from != "" || o.to != ""):
		return from, to, "", usagef("give --period, or --from and --to, not both")
	case o.period == "" && (o.from == "" || o.to == ""):
		return from, to, "", usagef("give --period (2026-11, 2026-Q4, 2026), or --from and --to (months)")
	case o.period != "":
		return periodRange(o.period, loc)
	}
	if from, err = month(o.from, "--from", loc); err != nil {
		return
	}
	if to, err = month(o.to, "--to", loc); err != nil {
		return
	}
	if to.Start.Before(from.Start) {
		return from, to, "", usagef("--to %s is before --from %s", o.to, o.from)
	}
	label = from.Label + "_" + to.Label
	if from.Label == to.Label {
		label = from.Label
	}
	return from, to, label, nil
}

// periodRange is --period's first and last month.
func periodRange(s string, loc *time.Location) (from, to period.Period, label string, err error) {
	if m := quarterRE.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		q, _ := strconv.Atoi(m[2])
		first := time.Month(3*q - 2)
		return period.Month(y, first, loc), period.Month(y, first+2, loc), s, nil
	}
	if yearRE.MatchString(s) {
		y, _ := strconv.Atoi(s)
		return period.Month(y, time.January, loc), period.Month(y, time.December, loc), s, nil
	}
	p, err := month(s, "--period", loc)
	return p, p, s, err
}

// month is the month s names, as a usage error naming flag if it is not one.
func month(s, flag string, loc *time.Location) (period.Period, error) {
	p, err := period.Parse(s, loc)
	if err == nil && p.Kind == period.KindMonth {
		return p, nil
	}
	if flag == "--period" {
		return p, usagef("--period %q: not a month (2026-11), quarter (2026-Q4) or year (2026)", s)
	}
	return p, usagef("%s %q: not a month (2026-11)", flag, s)
}
