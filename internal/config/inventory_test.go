package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

const inventoryYAML = `timezone: Europe/Berlin
rrd_dir: rrds
allow_outside_rrd_dir: true
hosts: [{name: h1, file: h1.rrd}]
issuer: {name: I, address: ["Street 1"], postcode: "10115", city: Berlin, country: DE, vat_id: DE136695976}
plans: [{id: p, monthly_fee: "1.00"}]
customers:
  - {id: C1, country: DE, city: Berlin, name: One, currency: EUR, plan: p}
  - {id: C2, country: DE, city: Berlin, name: Two, currency: EUR, plan: p, vps: [{name: yaml1}]}
`

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// An inventory gives the config that the same VPS written in the YAML
// give, whatever the order of its columns, and its bytes are part of the
// config's digest.
func TestInventoryAsYAML(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"billrun.yaml": inventoryYAML + "inventory: vps.csv\n",
		"vps.csv":      "host,vps,customer,file,until,from\nh1,b,C1,b.rrd,,2026-10-15\n,top,,/abs/top.rrd,,\n,c,C2,,2026-11-01,\n",
		"inline.yaml": strings.Replace(inventoryYAML, "{id: C1, country: DE, city: Berlin, name: One, currency: EUR, plan: p}",
			"{id: C1, country: DE, city: Berlin, name: One, currency: EUR, plan: p, vps: [{name: b, file: b.rrd, host: h1, active_from: 2026-10-15}]}", 1) +
			"vps: [{name: top, file: /abs/top.rrd}]\n",
	})
	// C2's inventory VPS comes after its YAML one
	inline := strings.Replace(mustRead(t, filepath.Join(dir, "inline.yaml")), "vps: [{name: yaml1}]", "vps: [{name: yaml1}, {name: c, active_until: 2026-11-01}]", 1)
	os.WriteFile(filepath.Join(dir, "inline.yaml"), []byte(inline), 0o644)
	a, err := Load(filepath.Join(dir, "billrun.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(filepath.Join(dir, "inline.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.VPS, b.VPS) || !reflect.DeepEqual(a.Customers, b.Customers) {
		t.Errorf("inventory:\n%+v\n%+v\nYAML:\n%+v\n%+v", a.VPS, a.Customers, b.VPS, b.Customers)
	}
	if a.NumVPS() != 4 {
		t.Errorf("%d VPS, want 4", a.NumVPS())
	}
	d := a.Digest()
	os.WriteFile(filepath.Join(dir, "vps.csv"), []byte("vps\nother\n"), 0o644)
	if a, err = Load(filepath.Join(dir, "billrun.yaml")); err != nil || a.Digest() == d {
		t.Errorf("the digest does not change with the inventory (%v)", err)
	}
}

func mustRead(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Each mistake in an inventory is an error naming the file, the line and
// the column.
func TestInventoryErrors(t *testing.T) {
	long := "vps\n" + strings.Repeat("x", maxInventoryLine+1) + "\n"
	for csv, want := range map[string]string{
		"":                                     "vps.csv: header: EOF",
		"name\nx\n":                            `vps.csv:1: column 1: "name" is not one of`,
		"vps,vps\nx,y\n":                       "vps.csv:1: column 2",
		"customer\nC1\n":                       "vps.csv:1: no vps column",
		"vps,customer\nx,C9\n":                 `vps.csv:2: column customer: no customer "C9"`,
		"vps,customer\nx,C1\nx,C1\n":           `vps.csv:3: column vps: invalid or duplicate name "x"`,
		"vps,customer\nyaml1,C1\n":             `vps.csv:2: column vps: invalid or duplicate name "yaml1"`,
		"vps,customer,from\nx,C1,2026-13-01\n": "vps.csv:2: column from:",
		"vps,customer,from,until\nx,C1,2026-10-02,2026-10-01\n": "vps.csv:2: column until:",
		"vps,customer,until\nx,C1,1970-01-01\n":                 "vps.csv:2: column until: 1970-01-01 is before 1971",
		"vps,host,customer\nx,h9,C1\n":                          `vps.csv:2: column host: no host named "h9"`,
		"vps\n../../etc\n":                                      `vps.csv:2: column vps: invalid or duplicate name`,
		"vps,customer\nx\n":                                     "vps.csv:2: 1 fields, the header has 2",
		"vps\n\"x\n":                                            "vps.csv: line 2, column",
		"vps,from\nx,2026-10-01\n":                              "vps.csv:2: column from: only a customer's VPS",
		long:                                                    "a line longer than 65536 bytes",
	} {
		dir := writeFiles(t, map[string]string{"billrun.yaml": inventoryYAML + "inventory: vps.csv\n", "vps.csv": csv})
		_, err := Load(filepath.Join(dir, "billrun.yaml"))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), filepath.Join(dir, "vps.csv")) {
			t.Errorf("%.40q: %v, want an error naming the file and saying %q", csv, err, want)
		}
	}
	// a FIFO, a directory or a device instead of the file: refused at once
	dir := writeFiles(t, map[string]string{"billrun.yaml": inventoryYAML + "inventory: vps.csv\n"})
	if err := syscall.Mkfifo(filepath.Join(dir, "vps.csv"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(filepath.Join(dir, "billrun.yaml")); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("FIFO inventory: %v", err)
	}
}
