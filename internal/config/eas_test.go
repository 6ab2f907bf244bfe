package config

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/billrun/billrun/internal/einvoicecheck"
)

// The EAS codes billrun takes are those of the official rules: the CEN
// list of BR-CL-25 (the one with EM in it), and Peppol's shorter list.
func TestEASCodes(t *testing.T) {
	rules := filepath.Join(filepath.Dir(einvoicecheck.Need(t)), "rules")
	// a code list is a string constant of the compiled schematron:
	// "val":" 0002 0007 … "
	list := regexp.MustCompile(`"val":" ?((?:[0-9A-Z]{2,4} )+[0-9A-Z]{2,4}) ?"`)
	digits := func(codes []string) []string {
		return slices.Sorted(slices.Values(slices.DeleteFunc(codes, func(c string) bool { return strings.Trim(c, "0123456789") != "" })))
	}
	read := func(name string, has func([]string) bool) []string {
		b, err := os.ReadFile(filepath.Join(rules, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range list.FindAllSubmatch(b, -1) {
			if codes := strings.Fields(string(m[1])); has(codes) {
				return digits(codes)
			}
		}
		t.Fatalf("%s: no EAS code list", name)
		return nil
	}
	cen := read("en16931-ubl.sef.json", func(c []string) bool { return slices.Contains(c, "EM") })
	peppol := read("peppol-ubl.sef.json", func(c []string) bool { return slices.Contains(c, "9930") && slices.Contains(c, "0088") })
	if ours := slices.Sorted(maps.Keys(easCodes)); !slices.Equal(ours, cen) {
		t.Errorf("easCodes %v,\nthe CEN rules' %v", ours, cen)
	}
	var ours []string
	for c := range easCodes {
		if !notPeppolEAS[c] {
			ours = append(ours, c)
		}
	}
	if slices.Sort(ours); !slices.Equal(ours, peppol) {
		t.Errorf("the codes Peppol takes %v,\nthe Peppol rules' %v", ours, peppol)
	}
}
