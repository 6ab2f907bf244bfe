package config

import (
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
