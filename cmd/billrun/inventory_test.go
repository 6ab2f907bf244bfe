package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/billrun/billrun/internal/rrdwrite"
)

// A fleet of 100,000 VPS listed in a CSV inventory runs billrun usage in
// under 64 MiB, measured as billrun's own peak RSS, and reports every VPS
// once, in name order.
func TestUsageInventoryMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds billrun and a 100,000-file fleet")
	}
	dir := t.TempDir()
	bin := buildBillrun(t)
	spec := rrdwrite.Spec{Step: 60, DS: []rrdwrite.DS{{Name: "v", Type: "GAUGE", Heartbeat: 120, Min: math.NaN(), Max: math.NaN()}},
		RRA: []rrdwrite.RRA{{CF: "AVERAGE", XFF: 0.5, PDPPerRow: 1, Rows: 10}}}
	one := filepath.Join(dir, "one.rrd")
	if err := rrdwrite.WriteFile(one, spec, 1699999980, 1700000100, func(_ int64, v []float64) { v[0] = 2 }); err != nil {
		t.Fatal(err)
	}
	rrd, err := os.ReadFile(one)
	if err != nil {
		t.Fatal(err)
	}
	const n = 100000
	rrds := filepath.Join(dir, "rrd")
	os.Mkdir(rrds, 0o755)
	inv, err := os.Create(filepath.Join(dir, "vps.csv"))
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(inv)
	w.WriteString("vps,file\n")
	for i := n - 1; i >= 0; i-- { // the reverse of name order
		name := fmt.Sprintf("v%06d", i)
		if err := os.WriteFile(filepath.Join(rrds, name+".rrd"), rrd, 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(w, "%s,%s.rrd\n", name, name)
	}
	if err := w.Flush(); err != nil || inv.Close() != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "billrun.yaml")
	os.WriteFile(cfg, []byte("rrd_dir: rrd\ninventory: vps.csv\nmetrics: [{name: vm, ds: [v], kind: gauge, unit: KB-minutes}]\n"), 0o644)

	cmd := exec.Command(bin, "usage", "--config", cfg, "--start", "1699999980", "--end", "1700000100", "--format", "csv")
	cmd.Env = append(os.Environ(), "RRDCACHED_ADDRESS=")
	peakOf := withPeak(t, cmd)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("usage: %v", err)
	}
	peak := peakOf()
	t.Logf("peak RSS %d KiB for %d VPS", peak, n)
	if peak > 64<<10 {
		t.Errorf("peak RSS %d KiB, more than 64 MiB", peak)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")[1:]
	if len(lines) != n {
		t.Fatalf("%d rows, want %d", len(lines), n)
	}
	for i, l := range lines {
		if want := fmt.Sprintf("v%06d,%s,", i, filepath.Join(rrds, fmt.Sprintf("v%06d.rrd", i))); !strings.HasPrefix(l, want) {
			t.Fatalf("row %d: %q, want it to start %q", i, l, want)
		}
	}
}
