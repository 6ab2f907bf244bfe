package config

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/billrun/billrun/report"
)

// streamAgrees checks streamSources on b against Parse: whatever it
// takes, Parse accepts, with the same configuration (less its lists) and
// the same VPS sources in the same order. It says whether it took b.
func streamAgrees(t *testing.T, b []byte) (took bool) {
	t.Helper()
	c, l, ok := streamSources(bytes.NewReader(b), int64(len(b)), "/cfg")
	if !ok {
		return false
	}
	whole, err := Parse(b, "/cfg")
	if err != nil {
		t.Fatalf("streamSources took what Parse rejects (%v):\n%s", err, b)
	}
	sameSources(t, l, whole.VPSSources())
	whole.VPS, whole.Customers = nil, nil
	if !reflect.DeepEqual(*c, *whole) {
		t.Fatalf("streamSources reads\n%s\nas %+v\nParse as %+v", b, *c, *whole)
	}
	return true
}

func sameSources(t *testing.T, l *report.SortedSources, want []report.Source) {
	t.Helper()
	defer l.Close()
	if l.Len() != len(want) {
		t.Fatalf("%d sources, want %d", l.Len(), len(want))
	}
	i := 0
	for got, err := range l.All() {
		if err != nil {
			t.Fatal(err)
		}
		if i >= len(want) {
			t.Fatalf("more sources than the %d wanted", len(want))
		}
		if !reflect.DeepEqual(got, want[i]) {
			t.Fatalf("source %d: %+v, want %+v", i, got, want[i])
		}
		i++
	}
	if i != len(want) {
		t.Fatalf("%d sources read back, want %d", i, len(want))
	}
}

// The shapes billrun demo and the README write are read in pieces, and
// read as Parse reads them, whatever the pieces' size.
func TestStreamTakesTheDemoShapes(t *testing.T) {
	remote := "hosts:\n  - {name: h1, file: up/h1.rrd}\n  - {name: h2, file: h2.rrd, daemon: \"10.0.0.2:42217\"}\n" +
		"rrd_dir: /srv/rrd\nvps:\n  - {name: top2, file: /abs/top2.rrd}\n  - {name: top1}\n  - {name: top3, file: ../x/top3.rrd, host: h2}\n"
	cases := map[string]string{
		"fleet":   fleetYAML(300),
		"billing": billingYAML,
		"remote":  remote + strings.TrimPrefix(fleetYAML(20), "timezone: UTC\nrrd_dir: .\nhosts:\n  - {name: host00, file: hosts/host00.rrd}\n"),
		"lists first": "vps:\n  - {name: b, host: h}\n  - {name: a, file: a/../a.rrd}\ncustomers:\n  - id: C1\n    name: x\n    currency: EUR\n    plan: p\n    vps:\n      - {name: c, active_from: 2026-10-15, active_until: 2026-11-02}\n" +
			"issuer: {name: I, address: [A], vat_id: V}\nplans:\n  - id: p\nhosts:\n  - {name: h, file: h.rrd}\ntimezone: Europe/Berlin\nrrd_dir: rel\n",
	}
	for _, size := range []int{1, 200, 64 << 10} {
		old := pieceSize
		pieceSize = size
		// and with the sorts' memory so small that the names and ids
		// go to temporary files
		oldLimit := sortLimit
		if size == 200 {
			sortLimit = 1 << 10
		}
		for name, y := range cases {
			if name == "remote" {
				y = strings.Replace(y, "host: host00", "host: h1", -1)
			}
			if !streamAgrees(t, []byte(y)) {
				t.Errorf("pieces of %d bytes: %s: streamSources declined\n%s", size, name, y)
			}
		}
		pieceSize, sortLimit = old, oldLimit
	}
}

// What Load rejects, LoadSources rejects with Load's error, wherever in
// the lists the fault is; what streamSources declines still loads.
func TestLoadSourcesAsLoad(t *testing.T) {
	cutEveryItem(t)
	fleet := fleetYAML(50)
	cases := map[string]string{
		"fleet":              fleet,
		"duplicate vps":      strings.Replace(fleet, "name: vps00200,", "name: vps00003,", 1),
		"duplicate id":       strings.Replace(fleet, "id: C00040", "id: C00007", 1),
		"id hash ok":         strings.Replace(fleet, "id: C00040", "id: C0004", 1),
		"vps and customer":   fleet + "vps:\n  - {name: vps00249}\n",
		"bad host late":      strings.Replace(fleet, "name: vps00240, file: vps/vps00240.rrd, host: host00", "name: vps00240, host: nohost", 1),
		"bad plan late":      strings.Replace(fleet, "plan: standard\n    vps:\n      - {name: vps00245", "plan: gold\n    vps:\n      - {name: vps00245", 1),
		"bad date":           strings.Replace(fleet, "host: host00}", "host: host00, active_from: 2026-13-01}", 1),
		"until before from":  strings.Replace(fleet, "host: host00}", "host: host00, active_from: 2026-10-02, active_until: 2026-10-01}", 1),
		"no issuer":          strings.Replace(fleet, "issuer: {name: OpenVPS, address: [Street 1], vat_id: DE123456789}\n", "", 1),
		"unknown key":        strings.Replace(fleet, "host: host00}", "host: host00, colour: red}", 1),
		"flow list":          "vps: [{name: a}, {name: b}]\n",
		"bad zone":           "timezone: Mars/Olympus\nvps:\n  - {name: a}\n",
		"empty":              "",
		"invalid name":       "vps:\n  - {name: a}\n  - {name: -b}\n",
		"tab":                "vps:\n  - {name: a}\n\t\n",
		"no list":            "timezone: UTC\n",
		"invalid vps in top": "vps:\n  - {name: \"a b\"}\n",
	}
	dir := t.TempDir()
	for name, y := range cases {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".yaml")
		if err := os.WriteFile(p, []byte(y), 0o644); err != nil {
			t.Fatal(err)
		}
		whole, werr := Load(p)
		c, l, err := LoadSources(p)
		if (err == nil) != (werr == nil) || err != nil && err.Error() != werr.Error() {
			t.Errorf("%s: LoadSources: %v\nLoad: %v", name, err, werr)
			continue
		}
		if err != nil {
			continue
		}
		sameSources(t, l, whole.VPSSources())
		whole.VPS, whole.Customers = nil, nil
		if !reflect.DeepEqual(*c, *whole) {
			t.Errorf("%s: LoadSources %+v\nLoad %+v", name, *c, *whole)
		}
	}
	if _, _, err := LoadSources(filepath.Join(dir, "missing.yaml")); !os.IsNotExist(err) {
		t.Errorf("a missing file: %v", err)
	}
}

// A line longer than the reader's buffer is read whole.
func TestStreamLongLine(t *testing.T) {
	long := strings.Repeat("Street ", 20000)
	y := fleetYAML(3) + "  - id: C99999\n    name: x\n    address: [\"" + long + "\"]\n    currency: EUR\n    plan: standard\n    vps:\n      - {name: zz}\n"
	if !streamAgrees(t, []byte(y)) {
		t.Fatal("streamSources declined a config with a 140 KB line")
	}
}

// A configuration that is not a regular file (a pipe) is read once, from
// the descriptor LoadSources opened, as Load reads it.
func TestLoadSourcesPipe(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo.yaml")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	y := fleetYAML(5)
	go func() {
		w, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return // LoadSources then blocks and the test times out, saying where
		}
		w.WriteString(y)
		w.Close()
	}()
	c, l, err := LoadSources(p)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := Parse([]byte(y), filepath.Dir(p))
	if err != nil {
		t.Fatal(err)
	}
	sameSources(t, l, whole.VPSSources())
	if c.VPS != nil || c.Customers != nil || c.Digest() != whole.Digest() {
		t.Errorf("pipe: lists %v %v, digest %s, want %s", c.VPS, c.Customers, c.Digest(), whole.Digest())
	}
}
