package fleet

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/billrun/billrun/rrdfetch"
)

func gen(t *testing.T, dir string) *Fleet {
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	fl, err := Generate(context.Background(), Options{Dir: dir, VPS: 6, Hosts: 2, Start: start, End: start.AddDate(0, 0, 9), Seed: 3}) // all within the 1-minute RRA
	if err != nil {
		t.Fatal(err)
	}
	return fl
}

func TestDeterministic(t *testing.T) {
	a, b := gen(t, t.TempDir()), gen(t, t.TempDir())
	for i := range a.VPS {
		x, _ := os.ReadFile(a.VPS[i].File)
		y, _ := os.ReadFile(b.VPS[i].File)
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Fatalf("%s differs between two runs with the same seed", a.VPS[i].Name)
		}
	}
}

// The files are the seed's schema as rrdtool sees it, and the gap, the
// counter reset and the outage are where the generator put them.
func TestSchemaAndEvents(t *testing.T) {
	fl := gen(t, t.TempDir())
	if _, err := exec.LookPath("rrdtool"); err == nil {
		out, err := exec.Command("rrdtool", "info", fl.VPS[0].File).Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"step = 60", `ds[vs_uticks].type = "COUNTER"`, `ds[vs_disk_b_used].type = "GAUGE"`,
			"rra[0].rows = 14400", "rra[1].rows = 13392", "rra[1].pdp_per_row = 10", "rra[2].pdp_per_row = 43200", "rra[2].rows = 120"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("rrdtool info lacks %q", want)
			}
		}
	} else if os.Getenv("CI") != "" {
		t.Fatal("rrdtool is required in CI")
	}
	f, err := rrdfetch.Open(fl.VPS[1].File)
	if err != nil {
		t.Fatal(err)
	}
	h := f.Header()
	d, err := f.Fetch("AVERAGE", h.LastUpdate-3*86400, h.LastUpdate, 60, false)
	if err != nil {
		t.Fatal(err)
	}
	resets := 0
	for i := range d.Rows() {
		if d.Row(i)[2] > 1e15 {
			resets++
		}
	}
	if resets != 1 {
		t.Errorf("VPS 1 has %d counter-reset rows, want 1", resets)
	}
	g, _ := rrdfetch.Open(fl.VPS[0].File)
	first := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC).Unix()
	gd, _ := g.Fetch("AVERAGE", first+60, first+3*86400, 60, false)
	unknown := 0
	for i := range gd.Rows() {
		if gd.Row(i)[6] != gd.Row(i)[6] {
			unknown++
		}
	}
	if unknown != 240 {
		t.Errorf("VPS 0 has %d unknown minutes around day 1, want a 4-hour gap (240)", unknown)
	}
	hf, _ := rrdfetch.Open(fl.Hosts[0].File)
	hd, _ := hf.Fetch("AVERAGE", first+6*86400, first+8*86400, 60, false)
	low := 0
	for i := range hd.Rows() {
		if hd.Row(i)[0] == 97.5 {
			low++
		}
	}
	if low != 180 {
		t.Errorf("host 0 has %d minutes at 97.5 %%, want 180", low)
	}
}

func BenchmarkGenerateSeedFile(b *testing.B) {
	dir := b.TempDir()
	start := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		if _, err := Generate(context.Background(), Options{Dir: dir, VPS: 1, Hosts: 1, Start: start, End: start.AddDate(0, 0, 100), Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
