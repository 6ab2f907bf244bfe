package config

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// checkLegible refuses a config whose printed text has characters the
// documents' fonts cannot set: the Go fonts (regular and bold), which
// every PDF embeds, and fallback, invoice.font parsed (nil: none). A PDF
// would print such a character as '?' while its e-invoice has the name
// right: the buyer could not be identified from the paper, and the two
// would disagree. The text is the issuer's and each customer's name,
// address, postcode, city and region, each customer's references and
// contact, the issuer's bank holder, register, managing
// directors and contact, and each plan's name (the invoice lines).
func (c *Config) checkLegible(fallback *sfnt.Font) error {
	fonts := legibility{fallback: fallback}
	for _, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			return err // the embedded Go fonts parse
		}
		fonts.gofonts = append(fonts.gofonts, f)
	}
	for _, t := range c.printedText() {
		if bad := fonts.lacking(t.text); bad != "" {
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
	}
	for i := range c.Plans {
		out = append(out, printed{fmt.Sprintf("plans[%d] (%s).name", i, c.Plans[i].ID), c.Plans[i].Name})
	}
	return out
}

// legibility answers which characters the documents' fonts have.
type legibility struct {
	gofonts  []*sfnt.Font
	fallback *sfnt.Font
	buf      sfnt.Buffer
}

// lacking lists the characters of s that no font sets, as "U+XXXX 'c'",
// or "" when every one is set. A character beyond the Basic Multilingual
// Plane (an emoji) is never set: the PDF's UTF-8 fonts stop at U+FFFF.
func (l *legibility) lacking(s string) string {
	var bad []string
	seen := map[rune]bool{}
	for _, r := range s {
		if r < 0x80 && r != utf8.RuneError || l.sets(r) || seen[r] {
			continue
		}
		seen[r] = true
		bad = append(bad, fmt.Sprintf("%U %q", r, r))
	}
	return strings.Join(bad, ", ")
}

// sets says whether both Go fonts, or the fallback, have a glyph for r.
func (l *legibility) sets(r rune) bool {
	if r > 0xFFFF || r == utf8.RuneError || r >= 0x80 && r < 0xA0 {
		return false
	}
	inGo := true
	for _, f := range l.gofonts {
		if g, err := f.GlyphIndex(&l.buf, r); err != nil || g == 0 {
			inGo = false
		}
	}
	if inGo {
		return true
	}
	if l.fallback == nil {
		return false
	}
	g, err := l.fallback.GlyphIndex(&l.buf, r)
	return err == nil && g != 0
}
