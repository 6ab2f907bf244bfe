package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// gnuTime is GNU time, which reports a child's peak RSS as its own: the
// Rusage.Maxrss of a child started by the test binary also counts the
// pages it shared with the test binary before exec.
const gnuTime = "/usr/bin/time"

// withPeak makes cmd run under GNU time and returns a function that reads
// the peak RSS of billrun's own process, in KiB, once cmd has run. Without
// GNU time the test is skipped, or failed in CI (make deps installs it).
func withPeak(t *testing.T, cmd *exec.Cmd) func() int64 {
	t.Helper()
	if _, err := os.Stat(gnuTime); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s: %v (make deps installs GNU time)", gnuTime, err)
		}
		t.Skipf("%s: %v", gnuTime, err)
	}
	out := filepath.Join(t.TempDir(), "peak")
	cmd.Args = append([]string{gnuTime, "-f", "%M", "-o", out}, cmd.Args...)
	cmd.Path = gnuTime
	return func() int64 {
		t.Helper()
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatalf("GNU time wrote no peak: %v", err)
		}
		// a child killed by a signal makes GNU time write a line before the figure
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		kib, err := strconv.ParseInt(lines[len(lines)-1], 10, 64)
		if err != nil {
			t.Fatalf("GNU time's peak %q: %v", b, err)
		}
		return kib
	}
}

// The peak withPeak reads is billrun's own: billrun --version stays far
// below the test binary's resident size (which Rusage.Maxrss reported for
// it: 58 MiB, where GNU time measured 14).
func TestPeakIsBillruns(t *testing.T) {
	bin := buildBillrun(t)
	cmd := exec.Command(bin, "--version")
	peak := withPeak(t, cmd)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if p := peak(); p <= 0 || p > 32<<10 {
		t.Errorf("billrun --version: peak RSS %d KiB, want (0, 32 MiB]", p)
	}
}

// buildBillrun builds the command into a temporary directory.
func buildBillrun(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "billrun")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
