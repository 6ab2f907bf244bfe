package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "billing.yaml")
	os.WriteFile(p, []byte(`timezone: Europe/Berlin
rrd_dir: rrds
allow_outside_rrd_dir: true
hosts:
  - {name: host01, file: hosts/host01-uptime.rrd}
vps:
  - {name: vps2, host: host01}
  - {name: vps1, file: /abs/vps1.rrd}
`), 0o644)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Location().String() != "Europe/Berlin" {
		t.Errorf("zone %s", c.Location())
	}
	src := c.VPS
	if len(src) != 2 || src[0].Name != "vps1" || src[0].File != "/abs/vps1.rrd" || src[1].File != filepath.Join(dir, "rrds", "vps2.rrd") {
		t.Errorf("sources %+v", src)
	}
	if h := c.Hosts; h[0].File != filepath.Join(dir, "rrds", "hosts/host01-uptime.rrd") {
		t.Errorf("hosts %+v", h)
	}
	if len(c.Metrics) != 0 {
		t.Errorf("metrics %+v where none were given", c.Metrics)
	}
	if c.UptimeThreshold != nil || !strings.HasPrefix(c.Digest(), "sha256:") {
		t.Errorf("threshold %v digest %s", c.UptimeThreshold, c.Digest())
	}
}

func TestErrors(t *testing.T) {
	cases := map[string]string{
		"bogus_key: 1\n": `line 1: unknown key "bogus_key"`,
		"metrics: [{name: \"=HYPERLINK(1)\", ds: [a], kind: counter}]\n": `metrics[0].name: invalid or duplicate name "=HYPERLINK(1)"`,
		"vps: [{name: a, file: ../x.rrd}]\n":                             "vps[0].file: ",
		"vps: [{name: a, file: /etc/passwd}]\n":                          "vps[0].file: /etc/passwd is outside rrd_dir",
		"hosts: [{name: h, file: ../../h.rrd}]\n":                        "hosts[0].file: ",
		"lookback: abc\n":                                                          `line 1: "abc" is not a whole number`,
		"rrdcached_timeout: 0s\n":                                                  `rrdcached_timeout: "0s" is not a duration from 1s to 1h`,
		"rrdcached_timeout: 60\n":                                                  `rrdcached_timeout: "60" is not a duration`,
		"rrdcached_timeout: 2h\n":                                                  `rrdcached_timeout: "2h" is not a duration`,
		"timezone: UTC\n---\ntimezone: Mars/Olympus\n":                             "a second YAML document",
		"vps: [{name: \"a\\u0000b\"}]\n":                                           "line 1: vps[0].name: a control character (U+0000)",
		"issuer: {name: \"I\\u0007\"}\n":                                           "issuer.name: a control character (U+0007)",
		"plans: [{id: p, monthly_fee: twenty}]\n":                                  `line 1: plans[0].monthly_fee: "twenty" is not a plain decimal amount`,
		"plans: [{id: p, monthly_fee: .nan}]\n":                                    `plans[0].monthly_fee: ".nan" is not a plain decimal`,
		"plans: [{id: p, monthly_fee: 1e400}]\n":                                   `plans[0].monthly_fee: "1e400" is not a plain decimal`,
		"plans: [{id: p, metrics: {in: {unit: GB, rate: \"0.1\", incuded: 1}}}]\n": `unknown key "incuded"`,
		"plans: [{id: p, monthly_fee: \"12345678901234567890\"}]\n":                `plans[0].monthly_fee: "12345678901234567890" is not a plain decimal`,
		"timezone: Mars/Olympus\n":                                                 `unknown zone "Mars/Olympus"`,
		"vps: [{name: a}, {name: a}]\n":                                            `vps[1].name: invalid or duplicate name "a"`,
		"vps: [{name: a, host: h9}]\n":                                             `vps[0].host: no host named "h9"`,
		"metrics: [{name: x, ds: [a], kind: level}]\n":                             "kind: must be counter or gauge",
		"uptime_threshold: 120\n":                                                  "uptime_threshold",
		"hosts: [{name: h}]\n":                                                     "hosts[0].file: missing",
		"vps: [{name: 'bad name'}]\n":                                              "vps[0].name",
		"metrics: [{name: x, ds: [a], kind: counter, max_rate: -1}]\n":             "max_rate",
		"metrics: [{name: x, ds: [a], kind: gauge, label: {it: Traffico}}]\n":      `metrics[0].label.it: billrun writes no documents in "it" (it writes en, de, fr, nl)`,
		"metrics: [{name: x, ds: [a], kind: gauge, label: {de: \" \"}}]\n":         `metrics[0].label.de: " " must be 1 to 100 bytes`,
		"metrics: [{name: x, ds: [a], kind: gauge, label: {de: \"☃\"}}]\n":         `metrics[0] (x).label.de: "☃" has characters no font of the documents sets`,
		"invoice: {number_prefix: \"../../x-\"}\n":                                 "invoice.number_prefix: \"../../x-\" would make numbers that are not plain file names",
		"invoice: {number_format: \"R{year}/{seq}\"}\n":                            "invoice.number_format:",
		"invoice: {number_format: \"R{year}\"}\n":                                  "must hold {seq}",
		"invoice: {number_format: \"{seq}-{seq}\"}\n":                              "must hold {seq}",
		"invoice: {number_format: \".{seq}\"}\n":                                   "not plain file names",
		"invoice: {number_restart: monthly}\n":                                     "invoice.number_restart",
		"issue: {after: soon}\n":                                                   "issue.after",
		"billing_start: October\n":                                                 "billing_start: ",
	}
	for in, want := range cases {
		p := filepath.Join(t.TempDir(), "c.yaml")
		os.WriteFile(p, []byte(in), 0o644)
		_, err := Load(p)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%q: error %v, want it to name the file and say %q", in, err, want)
		}
	}
}

func TestMetricLabel(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(p, []byte("metrics:\n  - {name: out, ds: [vs_out], kind: counter, unit: bytes, label: {nl: Uitgaand}}\n  - {name: gpu, ds: [g], kind: gauge, label: {en: GPU time, de: GPU-Zeit}}\n  - {name: raw, ds: [r], kind: gauge}\n"), 0o644)
	cfg, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, lang, want string }{
		{"out", "nl", "Uitgaand"},                 // the config's own
		{"out", "de", "Ausgehender Datenverkehr"}, // the seed's default
		{"gpu", "de", "GPU-Zeit"},
		{"gpu", "fr", "GPU time"}, // the config's English
		{"raw", "fr", "raw"},      // nothing: the name
	} {
		if got := cfg.MetricLabel(c.name, c.lang); got != c.want {
			t.Errorf("MetricLabel(%s, %s) = %q, want %q", c.name, c.lang, got, c.want)
		}
	}
}
