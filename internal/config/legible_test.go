package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const droidFont = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

// A config whose printed text has a character no font of the documents
// sets is refused, naming the key, the text and the character; with a
// font that has it (Debian's CJK fallback), the same config loads. Greek,
// Cyrillic and Polish are in the Go fonts; an emoji is in no font a PDF
// can use (its UTF-8 fonts stop at U+FFFF).
func TestLegibleText(t *testing.T) {
	load := loader(t)
	with := func(from, to string) string {
		if !strings.Contains(billingYAML, from) {
			t.Fatalf("billingYAML has no %q", from)
		}
		return strings.Replace(billingYAML, from, to, 1)
	}
	for _, tc := range []struct{ yaml, want string }{
		{with(`name: "Müller & Söhne GmbH"`, `name: "株式会社テスト"`), `customers[0] (C001).name: "株式会社テスト" has characters no font of the documents sets: U+682A '株', U+5F0F '式', U+4F1A '会', U+793E '社', U+30C6 'テ', U+30B9 'ス', U+30C8 'ト'`},
		{with(`city: München`, `city: 東京`), `customers[0] (C001).city: "東京"`},
		{with(`address: ["Hauptstraße 5"]`, `address: ["Hauptstraße 5", "千代田1-1"]`), `customers[0] (C001).address[1]: "千代田1-1" has characters no font of the documents sets: U+5343 '千', U+4EE3 '代', U+7530 '田'`},
		{with(`issuer: {name: "OpenVPS Hosting GmbH"`, `issuer: {name: "OpenVPS 🚀 GmbH"`), `issuer.name: "OpenVPS 🚀 GmbH" has characters no font of the documents sets: U+1F680 '🚀'`},
		{with("  - id: standard\n", "  - id: standard\n    name: \"VPS 標準\"\n"), `plans[0] (standard).name: "VPS 標準"`},
	} {
		err := load(tc.yaml)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "invoice.font") {
			t.Errorf("got %v, want an error with %q and the advice", err, tc.want)
		}
	}
	if err := load(with(`name: "Müller & Söhne GmbH"`, `name: "Ακρόπολις Москва Łódź Ōsaka"`)); err != nil {
		t.Errorf("names in the Go fonts refused: %v", err)
	}
	if _, err := os.Stat(droidFont); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v (make deps installs fonts-droid-fallback)", err)
		}
		t.Skip(err)
	}
	withFont := func(yaml string) string {
		return strings.Replace(yaml, `invoice: {number_prefix: "INV-",`, `invoice: {font: `+droidFont+`, number_prefix: "INV-",`, 1)
	}
	if err := load(withFont(with(`name: "Müller & Söhne GmbH"`, `name: "株式会社テスト"`))); err != nil {
		t.Errorf("a Japanese name with a CJK font refused: %v", err)
	}
	if err := load(withFont(with(`issuer: {name: "OpenVPS Hosting GmbH"`, `issuer: {name: "OpenVPS 🚀 GmbH"`))); err == nil || !strings.Contains(err.Error(), "U+1F680") {
		t.Errorf("an emoji with a CJK font: %v", err)
	}
}

// The contract's terms are checked as they are loaded: a reference is one
// line, a contact says who, the seller's identifier has an ISO 6523 scheme.
func TestContractTermKeys(t *testing.T) {
	load := loader(t)
	cust := `    vat_id: DE811569869
`
	ok := strings.Replace(billingYAML, cust, cust+"    purchase_order: PO-1\n    contract: RV-17\n    region: Bayern\n    contact: {name: Petra Müller}\n", 1)
	ok = strings.Replace(ok, `vat_id: DE136695976}`, `vat_id: DE136695976, identifier: {scheme: "0088", id: "4000001123452"}}`, 1)
	if err := load(ok); err != nil {
		t.Fatalf("terms refused: %v", err)
	}
	for _, c := range []struct{ from, to, want string }{
		{"purchase_order: PO-1", `purchase_order: "PO-1\nsecond line"`, "customers[0].purchase_order"},
		{"contact: {name: Petra Müller}", "contact: {}", "customers[0].contact: name, phone or email"},
		{`scheme: "0088"`, `scheme: GLN`, "issuer.identifier"},
		{`region: Bayern`, `region: 東京`, "customers[0] (C001).region"},
	} {
		if err := load(strings.Replace(ok, c.from, c.to, 1)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.to, err, c.want)
		}
	}
}

// loader loads a config's YAML from a file in a temporary directory.
func loader(t *testing.T) func(yaml string) error {
	dir := t.TempDir()
	return func(yaml string) error {
		p := filepath.Join(dir, "billing.yaml")
		if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(p)
		return err
	}
}
