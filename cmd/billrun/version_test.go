package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A binary built in a checkout names its revision; one built without VCS
// stamping says so rather than a bare "(devel)", and -X sets the version.
func TestVersionStamp(t *testing.T) {
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("git rev-parse HEAD: %v (CI runs in a clone)", err)
		}
		t.Skipf("not a git checkout: %v", err)
	}
	rev := strings.TrimSpace(string(head))
	for _, c := range []struct {
		flags []string
		want  string
	}{
		{[]string{"-buildvcs=true"}, "(vcs " + rev},
		{[]string{"-buildvcs=false"}, "(devel) (no VCS revision"},
		{[]string{"-buildvcs=false", "-ldflags=-X main.version=v1.2.3"}, "billrun version v1.2.3\n"},
	} {
		bin := filepath.Join(t.TempDir(), "billrun")
		args := append(append([]string{"build"}, c.flags...), "-o", bin, ".")
		if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
			t.Fatalf("go %v: %v\n%s", args, err, out)
		}
		out, err := exec.Command(bin, "--version").Output()
		if err != nil || !strings.Contains(string(out), c.want) {
			t.Errorf("built with %v: --version %q (%v), want %q in it", c.flags, out, err, c.want)
		}
	}
}
