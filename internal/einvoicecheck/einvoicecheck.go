package einvoicecheck

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Tool is the validator's path, or "" when there is none: the one
// $BILLRUN_EINVOICE_VALIDATE names, else ../shared/einvoice/validate next
// to the project, or next to the repository it was cloned from (a fresh
// clone in a temporary directory, as CI checks are rehearsed, finds it
// there).
func Tool() string {
	if p := os.Getenv("BILLRUN_EINVOICE_VALIDATE"); p != "" {
		return p
	}
	root := moduleRoot()
	if root == "" {
		return ""
	}
	dirs := []string{root}
	if out, err := exec.Command("git", "-C", root, "config", "--get", "remote.origin.url").Output(); err == nil {
		if origin := strings.TrimSpace(string(out)); filepath.IsAbs(origin) {
			dirs = append(dirs, origin)
		}
	}
	for _, d := range dirs {
		p := filepath.Join(d, "..", "shared", "einvoice", "validate")
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// moduleRoot is the directory of the go.mod above the working directory.
func moduleRoot() string {
	dir, err := os.Getwd()
	for err == nil {
		if _, e := os.Stat(filepath.Join(dir, "go.mod")); e == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return ""
}

// Need is the validator, skipping t without one (failing it under CI).
func Need(t testing.TB) string {
	t.Helper()
	p := Tool()
	if p == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("the e-invoice validator (../shared/einvoice/validate, or $BILLRUN_EINVOICE_VALIDATE) is missing")
		}
		t.Skip("no e-invoice validator (../shared/einvoice/validate)")
	}
	return p
}

// Failures validates files in one run and returns, by file, the rules
// that failed ("BR-DE-15 (fatal): …"); a valid file has none. A validator
// that cannot run (exit 2) fails t.
func Failures(t testing.TB, files ...string) map[string][]string {
	t.Helper()
	return failures(t, nil, files)
}

// PDFAFailures is Failures with validate --pdfa: each PDF's structure is
// checked too (qpdf --check without a warning, PDFBox's Preflight), its
// problems among its failures.
func PDFAFailures(t testing.TB, files ...string) map[string][]string {
	t.Helper()
	return failures(t, []string{"--pdfa"}, files)
}

func failures(t testing.TB, flags, files []string) map[string][]string {
	t.Helper()
	tool := Need(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, tool, append(flags, files...)...)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("%s: %v\n%s%s", tool, err, out.String(), stderr.String())
	}
	res := map[string][]string{}
	seen := map[string]bool{}
	var cur string
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "  ") && cur != "" {
			res[cur] = append(res[cur], strings.TrimSpace(line))
			continue
		}
		for _, f := range files {
			if strings.HasPrefix(line, f+": ") || strings.HasSuffix(f, ".pdf") && strings.Contains(line, "/"+strings.TrimSuffix(filepath.Base(f), ".pdf")+".attached.xml: ") {
				cur, seen[f] = f, true
				if !strings.Contains(line, ": OK") && !strings.Contains(line, " failed") {
					res[f] = append(res[f], strings.TrimPrefix(line, f+": ")) // a PDF's own check
				}
			}
		}
	}
	for _, f := range files {
		if !seen[f] {
			t.Errorf("the validator said nothing of %s:\n%s", f, out.String())
		}
	}
	return res
}
