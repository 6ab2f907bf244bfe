package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A large fleet listed out of order comes out streamed as a small one
// would: every VPS once, in name order, with its figures.
func TestUsageLargeFleetInNameOrder(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.rrd")
	if out, err := exec.Command("rrdtool", "create", file, "--start", "1699999980", "--step", "60",
		"DS:v:GAUGE:120:U:U", "RRA:AVERAGE:0.5:1:10").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	if out, err := exec.Command("rrdtool", "update", file, "1700000040:1", "1700000100:3").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	const n = 60000
	var cfg strings.Builder
	cfg.WriteString("timezone: UTC\nrrd_dir: " + dir + "\nmetrics:\n  - {name: vm, ds: [v], kind: gauge, unit: KB-minutes}\nvps:\n")
	for i := n - 1; i >= 0; i-- { // the reverse of name order
		fmt.Fprintf(&cfg, "  - {name: v%06d, file: a.rrd}\n", i*7%n)
	}
	cfgFile := filepath.Join(dir, "billrun.yaml")
	if err := os.WriteFile(cfgFile, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"usage", "--config", cfgFile, "--start", "1699999980", "--end", "1700000100", "--format", "csv"}

	var out, errb bytes.Buffer
	if code := execute(context.Background(), args, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")[1:]
	if len(lines) != n {
		t.Fatalf("%d rows, want %d", len(lines), n)
	}
	want := "," + file + ",60,4,1,0,,,"
	for i, l := range lines {
		if name := fmt.Sprintf("v%06d", i); l != name+want {
			t.Fatalf("row %d: %q, want %q", i, l, name+want)
		}
	}
}
