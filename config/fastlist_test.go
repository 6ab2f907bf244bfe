package config

import (
	"reflect"
	"strings"
	"testing"
)

// fastAgrees checks the fast path's rule on one piece: when it decodes b,
// as a vps piece or as a customers piece, yaml.v3 decodes b without error
// to exactly the same list.
func fastAgrees(t *testing.T, b []byte) (vpsOK, custOK bool) {
	t.Helper()
	return agreesAs(t, b, fastVPS), agreesAs(t, b, fastCustomers)
}

func agreesAs[T any](t *testing.T, b []byte, fast func([]byte) ([]T, bool)) bool {
	t.Helper()
	got, ok := fast(b)
	if !ok {
		return false
	}
	var want []T
	if err := decodeWhole(b, &want); err != nil {
		t.Fatalf("the fast path took what yaml.v3 rejects as %T (%v):\n%s", want, err, b)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("the fast path decodes\n%s\nas %+v\nyaml.v3 as %+v", b, got, want)
	}
	return true
}

func TestFastTakesTheDemoShapes(t *testing.T) {
	vps := map[string]string{
		"flow":          "  - {name: vps00001, file: vps00001.rrd, host: host01}\n  - {name: vps00002, host: host01}\n",
		"column 0":      "- {name: a}\n- {file: b.rrd, name: b}",
		"types as text": "  - {name: 123, file: 2026-10-15, host: 1.5e3}\n  - {name: true, file: a@b.c, host: x_y-z}\n",
		"quoted":        "  - {name: \"a b\", file: \"Müller & Söhne, #1.rrd\", host: \"\"}\n",
	}
	for name, y := range vps {
		if ok, _ := fastAgrees(t, []byte(y)); !ok {
			t.Errorf("vps %s: the fast path declined\n%s", name, y)
		}
	}
	custs := map[string]string{
		"demo": "  - id: C00001\n    name: \"Müller & Söhne GmbH\"\n    address: [\"Street 1\", \"City\"]\n    currency: EUR\n    plan: standard\n" +
			"    vat_id: PL5250000001\n    reverse_charge: true\n    email: billing@example.com\n    vps:\n      - {name: vps00000, file: vps/vps00000.rrd, host: host00}\n" +
			"      - {name: vps02000, active_from: 2026-10-15, active_until: 2026-11-01}\n  - id: C00002\n    plan: p\n    reverse_charge: false\n",
		"vps first":      "- vps:\n    - {name: a}\n  id: C1\n",
		"indentless vps": "  - id: C1\n    vps:\n    - {name: a}\n    - {name: b}\n    plan: p\n",
		"address plain":  "  - id: C1\n    address: [Street, City]\n",
		"no vps":         "  - id: C1\n    name: x\n",
	}
	for name, y := range custs {
		if _, ok := fastAgrees(t, []byte(y)); !ok {
			t.Errorf("customers %s: the fast path declined\n%s", name, y)
		}
	}
	// and billrun demo's configuration, piece by piece
	_, lists, ok := cut([]byte(fleetYAML(300)))
	if !ok {
		t.Fatal("cut declined the demo's shape")
	}
	for _, p := range lists[0].pieces {
		if _, ok := fastAgrees(t, p); !ok {
			t.Fatalf("the fast path declined a piece of the demo's config:\n%.300s", p)
		}
	}
}

// Shapes the fast path leaves to yaml.v3, whatever yaml.v3 makes of them.
func TestFastDeclines(t *testing.T) {
	vps := map[string]string{
		"comment":           "  - {name: a} # x\n",
		"blank line":        "  - {name: a}\n\n  - {name: b}\n",
		"trailing space":    "  - {name: a} \n",
		"null":              "  - {name: null}\n",
		"tilde":             "  - {name: ~}\n",
		"escape":            "  - {name: \"a\\u0041\"}\n",
		"twice":             "  - {name: a, name: b}\n",
		"twice, empty":      "  - {name: \"\", name: b}\n",
		"unknown key":       "  - {name: a, colour: red}\n",
		"block item":        "  - name: a\n    file: a.rrd\n",
		"spaces in plain":   "  - {name: a b}\n",
		"no space":          "  - {name:a}\n",
		"empty":             "  - {}\n",
		"after the map":     "  - {name: a} x\n",
		"other indentation": "  - {name: a}\n   - {name: b}\n",
		"anchor":            "  - &x {name: a}\n",
		"single-quoted":     "  - {name: 'a'}\n",
		"starts with dot":   "  - {name: .inf}\n",
		"colon in plain":    "  - {name: a:b}\n",
		"NEL in quotes":     "  - {name: \"a\u0085b\"}\n",
		"LS in quotes":      "  - {name: \"a\u2028b\"}\n",
		"PS in quotes":      "  - {name: \"a\u2029b\"}\n",
		"tab in quotes":     "  - {name: \"a\tb\"}\n",
	}
	for name, y := range vps {
		if ok, _ := fastAgrees(t, []byte(y)); ok {
			t.Errorf("vps %s: the fast path took\n%s", name, y)
		}
	}
	custs := map[string]string{
		"yes":            "  - id: C1\n    reverse_charge: yes\n",
		"continued":      "  - id: C1\n    name: a\n      b\n",
		"plain spaces":   "  - id: C1\n    name: a b\n",
		"vps empty":      "  - id: C1\n    vps: []\n",
		"vps null":       "  - id: C1\n    vps:\n    plan: p\n",
		"vps twice":      "  - id: C1\n    vps:\n      - {name: a}\n    vps:\n      - {name: b}\n",
		"key twice":      "  - id: C1\n    plan: a\n    plan: b\n",
		"no id":          "  - plan: p\n",
		"flow customer":  "  - {id: C1}\n",
		"mixed vps":      "  - id: C1\n    vps:\n      - {name: a}\n        - {name: b}\n",
		"block vps item": "  - id: C1\n    vps:\n      - name: a\n",
		"deeper key":     "  - id: C1\n      plan: p\n",
		"address string": "  - id: C1\n    address: Street\n",
		"unknown key":    "  - id: C1\n    colour: red\n",
		"quote then":     "  - id: C1\n    name: \"a\" b\n",
	}
	for name, y := range custs {
		if _, ok := fastAgrees(t, []byte(y)); ok {
			t.Errorf("customers %s: the fast path took\n%s", name, y)
		}
	}
}

// FuzzFastList: for any bytes, a list the fast path decodes is exactly
// the list yaml.v3 decodes from them.
func FuzzFastList(f *testing.F) {
	f.Add([]byte("  - {name: vps00001, file: vps00001.rrd, host: host01}\n"))
	f.Add([]byte(strings.SplitN(fleetYAML(2), "customers:\n", 2)[1]))
	f.Add([]byte("- vps:\n    - {name: a}\n  id: C1\n  address: [\"a, b\", c]\n  reverse_charge: false\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<14 || !printable(b) {
			return
		}
		fastAgrees(t, b)
	})
}
