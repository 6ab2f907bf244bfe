package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/billrun/billrun/internal/state"
)

// The exit status is decided in one place (exitStatus in root.go); these pin
// the contract listed in --help.
func TestExitCodes(t *testing.T) {
	fx := "../../rrdfetch/testdata/fixtures/small-wrapped/file.rrd"
	cases := []struct {
		args []string
		code int
	}{
		{[]string{"fetch", fx, "AVERAGE", "-s", "1700005000", "-e", "1700007800"}, exitOK},
		{[]string{"fetch", "nosuch.rrd", "AVERAGE", "-s", "1700005000", "-e", "1700007800"}, exitError},
		{[]string{"fetch", fx, "HWPREDICT", "-s", "1700005000", "-e", "1700007800"}, exitError},
		{[]string{"fetch", fx}, exitUsage},
		{[]string{"fetch", fx, "AVERAGE", "--nope"}, exitUsage},
		{[]string{"nosuchcommand"}, exitUsage},
		{[]string{"--log-format", "xml", "info", fx}, exitUsage},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		if got := execute(context.Background(), c.args, &out, &errb); got != c.code {
			t.Errorf("billrun %s: exit %d, want %d (stderr %q)", strings.Join(c.args, " "), got, c.code, errb.String())
		}
	}
	// A cancelled context (SIGINT/SIGTERM in main) is 130.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := exitStatus(ctx, &bytes.Buffer{}, context.Canceled); got != exitInterrupted {
		t.Errorf("interrupted: exit %d, want %d", got, exitInterrupted)
	}
	var out bytes.Buffer
	execute(context.Background(), []string{"--help"}, &out, &out)
	if !strings.Contains(out.String(), "130  interrupted") {
		t.Errorf("--help does not list the exit codes:\n%s", out.String())
	}
}

// A run whose state directory is held by another exits 4 and names it.
func TestRunLockedExit4(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "b.yaml")
	os.WriteFile(cfg, []byte("out_dir: out\nstate_dir: state\n"), 0o644)
	l, err := state.Acquire(context.Background(), filepath.Join(dir, "state"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	var out, errb bytes.Buffer
	if code := execute(context.Background(), []string{"run", "--config", cfg, "--period", "2026-10"}, &out, &errb); code != exitLocked {
		t.Fatalf("exit %d, want %d: %s", code, exitLocked, errb.String())
	}
	if !strings.Contains(errb.String(), "holds the state directory") {
		t.Errorf("message %q", errb.String())
	}
}

// An unknown value of a closed flag is a usage error (64), not an empty
// answer: --status, --format and --customer of invoices, --customer of
// issue.
func TestClosedFlagsExit64(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "b.yaml")
	os.WriteFile(cfg, []byte(`out_dir: out
state_dir: state
issuer: {name: I, address: ["Street 1"], postcode: "10115", city: Berlin, country: DE, vat_id: DE136695976}
tax: {rate: "0.19"}
plans: [{id: p, monthly_fee: "10.00"}]
customers: [{id: A, name: A, city: Berlin, country: DE, currency: EUR, plan: p}]
`), 0o644)
	for _, args := range [][]string{
		{"invoices", "--config", cfg, "--status", "bogus"},
		{"invoices", "--config", cfg, "--format", "xml"},
		{"invoices", "--config", cfg, "--customer", "XX01"},
		{"issue", "--config", cfg, "--period", "2026-10", "--customer", "XX01"},
	} {
		var out, errb bytes.Buffer
		if got := execute(context.Background(), args, &out, &errb); got != exitUsage || out.Len() != 0 {
			t.Errorf("billrun %s: exit %d, stdout %q, want %d and nothing (stderr %q)", strings.Join(args, " "), got, out.String(), exitUsage, errb.String())
		}
	}
}
