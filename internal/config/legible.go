package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/billrun/billrun/internal/glyphs"
	"golang.org/x/image/font/sfnt"
)

// checkLegible refuses a config whose printed text has characters the
// documents' fonts cannot set (glyphs: the Go fonts, and fallback,
// invoice.font parsed; nil: none). A PDF would print such a character as
// '?' while its e-invoice has the name right: the buyer could not be
// identified from the paper, and the two would disagree. The text is the
// issuer's and each customer's name, address, postcode, city and region,
// each customer's references and contact, the issuer's bank holder,
// register, managing directors and contact, each plan's name and each
// metric's label (the invoice lines).
func (c *Config) checkLegible(fallback *sfnt.Font) error {
	set := glyphs.New(fallback)
	var buf sfnt.Buffer
	for _, t := range c.printedText() {
		if bad := lacking(t.text, func(r rune) bool { return set.Settable(r, &buf) }); bad != "" {
			return fmt.Errorf("%s: %q has characters no font of the documents sets: %s; set invoice.font to a TrueType font that has them (e.g. Debian's fonts-droid-fallback, /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf, for CJK)", t.key, t.text, bad)
		}
	}
	return nil
}

// printed is one text a document prints, by the config key it comes from.
type printed struct{ key, text string }

// printedText is every text of the config a document prints.
func (c *Config) printedText() []printed {
	var out []printed
	party := func(key string, p *Party) {
		out = append(out, printed{key + ".name", p.Name}, printed{key + ".postcode", p.Postcode}, printed{key + ".city", p.City}, printed{key + ".region", p.Region})
		for i, a := range p.Address {
			out = append(out, printed{fmt.Sprintf("%s.address[%d]", key, i), a})
		}
	}
	is := &c.Issuer
	party("issuer", &is.Party)
	if is.Bank != nil {
		out = append(out, printed{"issuer.bank.holder", is.Bank.Holder})
	}
	if is.Register != nil {
		out = append(out, printed{"issuer.register.court", is.Register.Court}, printed{"issuer.register.number", is.Register.Number})
	}
	for i, d := range is.ManagingDirectors {
		out = append(out, printed{fmt.Sprintf("issuer.managing_directors[%d]", i), d})
	}
	if is.Contact != nil {
		out = append(out, printed{"issuer.contact.name", is.Contact.Name})
	}
	for i := range c.Customers {
		cu := &c.Customers[i]
		key := fmt.Sprintf("customers[%d] (%s)", i, cu.ID)
		party(key, &cu.Party)
		out = append(out, printed{key + ".purchase_order", cu.PurchaseOrder}, printed{key + ".contract", cu.Contract})
		if cu.Contact != nil {
			out = append(out, printed{key + ".contact.name", cu.Contact.Name})
		}
		if cu.Discount != nil {
			out = append(out, printed{key + ".discount.reason", cu.Discount.Reason})
		}
		for j, ch := range cu.Charges {
			out = append(out, printed{fmt.Sprintf("%s.charges[%d].description", key, j), ch.Description})
		}
	}
	for i := range c.Plans {
		out = append(out, printed{fmt.Sprintf("plans[%d] (%s).name", i, c.Plans[i].ID), c.Plans[i].Name})
		if d := c.Plans[i].Discount; d != nil {
			out = append(out, printed{fmt.Sprintf("plans[%d] (%s).discount.reason", i, c.Plans[i].ID), d.Reason})
		}
	}
	for i, m := range c.Metrics {
		for _, lang := range slices.Sorted(maps.Keys(m.Label)) {
			out = append(out, printed{fmt.Sprintf("metrics[%d] (%s).label.%s", i, m.Name, lang), m.Label[lang]})
		}
	}
	return out
}

// lacking lists the characters of s that settable refuses, each once, as
// "U+XXXX 'c'", or "" when it takes every one.
func lacking(s string, settable func(rune) bool) string {
	var bad []string
	seen := map[rune]bool{}
	for _, r := range s {
		if r < 0x80 && r != utf8.RuneError || seen[r] || settable(r) {
			continue
		}
		seen[r] = true
		bad = append(bad, fmt.Sprintf("%U %q", r, r))
	}
	return strings.Join(bad, ", ")
}
