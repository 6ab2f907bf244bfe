package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse: any bytes give a config or an error, never a panic, an
// accepted config has what every later stage relies on.
func FuzzParse(f *testing.F) {
	f.Add([]byte(billingYAML))
	f.Add([]byte("hosts: [{name: h1, file: h1.rrd}]\nvps: [{name: a}, {name: b, host: h1}]\n"))
	f.Add([]byte("metrics:\n  - {name: in, ds: [vs_in], kind: counter, unit: bytes, max_rate: 1.25e9}\n"))
	f.Add([]byte("timezone: Europe/Berlin\nschedule: \"0 3 1 * *\"\nlookback: 2\n"))
	f.Add([]byte("vps:\n- {name: a}\n- name: b\n  file: b.rrd\ncustomers:\n  - id: C1\n    name: |\n      x\n    vps:\n      - {name: c}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<16 {
			return
		}
		c, err := Parse(b, "/cfg")
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		if c.Location() == nil {
			t.Fatal("accepted config without a time zone")
		}
		for _, m := range c.Metrics {
			if len(m.DS) == 0 || (m.Kind != "counter" && m.Kind != "gauge") {
				t.Fatalf("accepted an invalid metric %+v", m)
			}
		}
		for _, cu := range c.Customers {
			if c.Plan(cu.Plan) == nil {
				t.Fatalf("accepted customer %s with unknown plan %q", cu.ID, cu.Plan)
			}
		}
	})
}

// FuzzConfigWithInventory: any YAML with any inventory CSV beside it loads
// or is an error naming the file, never a panic; what loads has every VPS
// once, by a valid name, and every customer a plan.
func FuzzConfigWithInventory(f *testing.F) {
	f.Add([]byte(inventoryYAML+"inventory: vps.csv\n"), []byte("vps,customer,from\na,C1,2026-10-15\nb,,\n"))
	f.Add([]byte(inventoryYAML+"inventory: vps.csv\n"), []byte("customer,vps\nC9,x\n"))
	f.Add([]byte("inventory: vps.csv\n"), []byte("\"vps\nx\"\n"))
	f.Add([]byte("inventory: vps.csv\nvps: [{name: a}]\n"), []byte("vps\na\n"))
	f.Fuzz(func(t *testing.T, y, inv []byte) {
		if len(y)+len(inv) > 1<<16 {
			return
		}
		dir := t.TempDir()
		p := filepath.Join(dir, "billrun.yaml")
		os.WriteFile(p, y, 0o644)
		os.WriteFile(filepath.Join(dir, "vps.csv"), inv, 0o644)
		c, err := Load(p)
		if err != nil {
			if !strings.Contains(err.Error(), p) {
				t.Fatalf("an error that does not name the file: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		check := func(name string) {
			if !validName(name) || seen[name] {
				t.Fatalf("accepted VPS name %q (twice: %v)", name, seen[name])
			}
			seen[name] = true
		}
		for _, v := range c.VPS {
			check(v.Name)
		}
		for _, cu := range c.Customers {
			if c.Plan(cu.Plan) == nil {
				t.Fatalf("customer %s without its plan", cu.ID)
			}
			for _, v := range cu.VPS {
				check(v.Name)
			}
		}
		if c.NumVPS() != len(seen) {
			t.Fatalf("NumVPS %d, %d names", c.NumVPS(), len(seen))
		}
	})
}
