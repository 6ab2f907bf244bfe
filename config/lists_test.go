package config

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// agree checks the rule decodeCut lives by: when it decodes b at all,
// the whole document decodes without error to exactly the same Config.
func agree(t *testing.T, b []byte) (cutOK bool) {
	t.Helper()
	c, ok := decodeCut(b)
	if !ok {
		return false
	}
	var whole Config
	if err := decodeWhole(b, &whole); err != nil {
		t.Fatalf("the cut accepted what yaml.v3 rejects (%v):\n%s", err, b)
	}
	if !reflect.DeepEqual(*c, whole) {
		t.Fatalf("the cut decodes\n%s\nas %+v\nyaml.v3 as %+v", b, *c, whole)
	}
	return true
}

// every item its own piece, so that every item boundary is a cut
func cutEveryItem(t *testing.T) {
	old := pieceSize
	pieceSize = 1
	t.Cleanup(func() { pieceSize = old })
}

// fleetYAML is a config in billrun demo's shape with n customers of five
// VPS each.
func fleetYAML(n int) string {
	var b strings.Builder
	b.WriteString("timezone: UTC\nrrd_dir: .\nhosts:\n  - {name: host00, file: hosts/host00.rrd}\n")
	b.WriteString("issuer: {name: OpenVPS, address: [Street 1], vat_id: DE123456789}\nplans:\n  - id: standard\n    monthly_fee: \"20.00\"\n    tax_rate: \"0.19\"\ncustomers:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - id: C%05d\n    name: \"Müller & Söhne #%d\"\n    address: [\"Street %d\", \"City\"]\n    currency: EUR\n    plan: standard\n    vps:\n", i, i, i)
		for j := range 5 {
			fmt.Fprintf(&b, "      - {name: vps%05d, file: vps/vps%05d.rrd, host: host00}\n", i*5+j, i*5+j)
		}
	}
	return b.String()
}

func TestCutFleet(t *testing.T) {
	y := []byte(fleetYAML(2000))
	_, lists, ok := cut(y)
	if !ok || len(lists) != 1 || len(lists[0].pieces) < 2 {
		t.Fatalf("a 2,000-customer config: cut %v, lists %d", ok, len(lists))
	}
	if !agree(t, y) {
		t.Fatal("the cut declined a config in billrun demo's shape")
	}
	c, err := Parse(y, "/cfg")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Customers) != 2000 || c.Customers[1999].ID != "C01999" || len(c.VPSSources()) != 10000 || c.NumVPS() != 10000 {
		t.Fatalf("%d customers, last %s", len(c.Customers), c.Customers[len(c.Customers)-1].ID)
	}
}

// Shapes the cut takes: each must decode exactly as the whole document,
// with every item boundary a cut.
func TestCutAgrees(t *testing.T) {
	cutEveryItem(t)
	cases := map[string]string{
		"billing":    billingYAML,
		"indentless": "vps:\n- {name: a}\n- name: b\n  file: b.rrd\ntimezone: UTC\n",
		"comments": "# fleet\nvps:   # the VPS\n  # first\n  - {name: a}\n# between, at column 0\n\n  - {name: b} # trailing\n" +
			"customers:\n  - id: C1\n    plan: p\n    # inside\n    vps:\n      - {name: c}\n      - name: d\n",
		"block scalar":        "customers:\n  - id: C1\n    name: |\n      first\n\n      - not an item\n    plan: p\n  - id: C2\n",
		"plain multi-line":    "customers:\n  - id: C1\n    name: a\n      b\n  - id: C2\n",
		"null item":           "vps:\n  -\n  - {name: a}\n",
		"no newline":          "vps:\n  - {name: a}",
		"both lists":          "customers:\n  - {id: C1, plan: p, vps: [{name: a}]}\nvps:\n  - {name: b}\ntimezone: Europe/Berlin\n",
		"anchor in one piece": "vps:\n  - &x {name: a}\n  - {name: b}\n",
		"types as strings":    "vps:\n  - {name: 123, file: true, host: 1.5}\n  - {name: null}\n",
	}
	for name, y := range cases {
		if !agree(t, []byte(y)) {
			t.Errorf("%s: the cut declined\n%s", name, y)
		}
	}
}

// Shapes the cut must leave to yaml.v3 (or that fail in a piece, which
// sends them there too): what Parse makes of them is yaml.v3's alone.
func TestCutDeclines(t *testing.T) {
	cutEveryItem(t)
	cases := map[string]string{
		"tab":               "vps:\n  - {name: a}\n\t\n",
		"crlf":              "vps:\r\n  - {name: a}\r\n",
		"bom":               "\xef\xbb\xbfvps:\n  - {name: a}\n",
		"document marker":   "---\nvps:\n  - {name: a}\n",
		"document end":      "vps:\n  - {name: a}\n...\n",
		"directive":         "%YAML 1.1\n---\nvps:\n  - {name: a}\n",
		"flow list":         "vps: [{name: a}]\n",
		"quoted key":        "\"vps\":\n  - {name: a}\n",
		"key then quoted":   "vps:\n  - {name: a}\n'vps': []\n",
		"spaced key":        "vps :\n  - {name: a}\n",
		"twice":             "vps:\n  - {name: a}\nvps:\n  - {name: b}\n",
		"merge":             "<<: {vps: []}\nvps:\n  - {name: a}\n",
		"mapping":           "vps:\n  name: a\n",
		"empty":             "vps:\ntimezone: UTC\n",
		"empty at end":      "vps:\n",
		"shallower":         "vps:\n    - {name: a}\n  - {name: b}\n",
		"root flow":         "{vps: [{name: a}]}\n",
		"quote across":      "vps:\n  - {name: \"a\n  - b\"}\n",
		"flow across":       "vps:\n  - {name: a,\n  - b: c}\n",
		"alias across":      "vps:\n  - &x {name: a}\n  - *x\n",
		"anchor in head":    "hosts:\n  - &h {name: h, file: h.rrd}\nvps:\n  - {name: a, host: *h}\n",
		"indented root":     " &a x,\ncustomers:\n-",
		"bad utf-8 comment": "customers: #\xb9\n  - {id: C1}\n",
		"control character": "customers:\n  # \x01\n  - {id: C1}\n",
		"NEL":               "customers:\n  - {id: C1}\u0085vps:\n  - {name: a}\n",
		"BOM inside":        "vps:\n  - {name: a}\n\ufeffvps: ~\n",
		"unknown key":       "vps:\n  - {name: a, colour: red}\n",
		"unknown top-level": "vps:\n  - {name: a}\nbogus: 1\n",
	}
	for name, y := range cases {
		if agree(t, []byte(y)) {
			t.Errorf("%s: the cut took\n%s", name, y)
		}
	}
}

// Errors in a list are the whole document's, with its line numbers.
func TestCutErrorsAreWhole(t *testing.T) {
	cutEveryItem(t)
	y := "timezone: UTC\nvps:\n  - {name: a}\n  - {name: b}\n  - {name: c, colour: red}\n"
	_, err := Parse([]byte(y), "/cfg")
	if err == nil || !strings.Contains(err.Error(), "line 5") || !strings.Contains(err.Error(), "colour") {
		t.Fatalf("error %v, want yaml.v3's for line 5", err)
	}
}
