package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/billrun/billrun/internal/state"

	"github.com/spf13/cobra"
)

// Exit codes, decided here and nowhere else.
const (
	exitOK          = 0   // success
	exitError       = 1   // an error; for usage/sla: at least one file could not be read
	exitUsage       = 64  // bad command line (EX_USAGE: 2 is the Go runtime's exit on a crash)
	exitPartial     = 3   // billrun run: some invoices could not be drafted; issue: some drafts are held; send: deliveries left
	exitLocked      = 4   // another run holds the state directory lock (--no-wait)
	exitInterrupted = 130 // SIGINT/SIGTERM
)

const exitCodesHelp = `Exit status:
  0    success
  1    error (for usage and sla: at least one file could not be read; the rest are reported)
  3    partial: billrun run could not draft some invoices (see the Problems sheet and
       manifest); billrun issue held some drafts for review (see --accept);
       billrun send left deliveries failed, to retry or uncertain
  4    another run holds the state directory lock (with --no-wait)
  64   usage error (bad flags or arguments); 2 is only ever a crash of the Go runtime
  130  interrupted (SIGINT or SIGTERM)
`

// version is the module version and VCS revision the binary was built
// from (runtime/debug.ReadBuildInfo), e.g. "v0.0.0-20261202011800-ead49cb05e21
// (vcs ead49cb05e21e2f6…, modified)"; a release build may set it with
// -ldflags "-X main.version=...", which only a variable without an
// initializer takes.
var version string

func init() {
	if version == "" {
		version = buildVersion()
	}
}

// buildVersion is what the Go toolchain stamped into the binary: the main
// module's version ("(devel)" when it knows none) and, from a VCS
// checkout, the revision and whether the tree had local changes. A build
// with neither says so, so that a manifest never names a bare "(devel)".
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	switch {
	case rev != "":
		v += " (vcs " + rev
		if modified == "true" {
			v += ", modified"
		}
		v += ")"
	case v == "(devel)":
		v += " (no VCS revision: built outside a checkout or with -buildvcs=false; make build and make install stamp it)"
	}
	return v
}

// globals are what every command gets from main: where to write, how to log,
// and the clock (replaced in tests).
type globals struct {
	stdout, stderr io.Writer
	log            *slog.Logger
	now            func() time.Time
	logFormat      string
}

// usageError marks an error as a command-line mistake (exit 64).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// exitCodeError carries a specific exit status with its message (which may
// be empty when the command already reported everything).
type exitCodeError struct {
	code int
	err  error
}

func (e exitCodeError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e exitCodeError) Unwrap() error { return e.err }

func newRootCmd(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:           "billrun",
		Short:         "Bill VPS customers from the RRD files their monitoring writes",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			switch g.logFormat {
			case "text", "json", "":
			default:
				return usagef("--log-format must be text or json, not %q", g.logFormat)
			}
			g.log = newLogger(g.stderr, g.logFormat)
			return nil
		},
	}
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	root.SetUsageTemplate(root.UsageTemplate() + "\n" + exitCodesHelp)
	root.PersistentFlags().StringVar(&g.logFormat, "log-format", "text", "log format on stderr: text or json")
	root.AddCommand(
		newFetchCmd(g),
		newInfoCmd(g),
		newUsageCmd(g),
		newSLACmd(g),
		newDemoCmd(g),
		newRunCmd(g),
		newDaemonCmd(g),
		newCatchUpCmd(g),
		newStatusCmd(g),
		newIssueCmd(g),
		newInvoicesCmd(g),
		newInvoiceCmd(g),
		newBooksCmd(g),
		newSendCmd(g),
		newDeliveriesCmd(g),
		newBackupCmd(g),
		newRegisterCmd(g),
		newVerifyCmd(g),
		newScheduleCmd(g),
		newMergeCmd(g),
	)
	for _, c := range root.Commands() {
		c.Args = wrapArgs(c.Args)
	}
	return root
}

// wrapArgs turns cobra's positional-argument complaints into usage errors.
func wrapArgs(v cobra.PositionalArgs) cobra.PositionalArgs {
	if v == nil {
		return nil
	}
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

func newLogger(w io.Writer, format string) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// execute runs billrun with args and returns the exit status.
func execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	g := &globals{stdout: stdout, stderr: stderr, now: time.Now}
	// BILLRUN_NOW pins the clock (RFC 3339): a testing aid for status and
	// schedule output, documented in README.
	if s := os.Getenv("BILLRUN_NOW"); s != "" {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			g.now = func() time.Time { return t }
		}
	}
	g.log = newLogger(stderr, "text")
	root := newRootCmd(g)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	return exitStatus(ctx, stderr, err)
}

// exitStatus prints err as "billrun: …" and maps it to an exit status.
func exitStatus(ctx context.Context, stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	var ue usageError
	var ce exitCodeError
	code := exitError
	switch {
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		code = exitInterrupted
	case errors.As(err, &ue):
		code = exitUsage
	case errors.Is(err, state.ErrLocked):
		code = exitLocked
	case errors.As(err, &ce):
		code = ce.code
	case strings.HasPrefix(err.Error(), "unknown command"), strings.HasPrefix(err.Error(), "unknown flag"):
		code = exitUsage
	}
	if msg := err.Error(); msg != "" {
		fmt.Fprintf(stderr, "billrun: %s\n", msg)
	}
	if code == exitUsage {
		fmt.Fprintln(stderr, "Run 'billrun --help' for usage.")
	}
	return code
}
