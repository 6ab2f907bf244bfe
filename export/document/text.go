package document

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/billrun/billrun/internal/pricing"
	"golang.org/x/image/font/sfnt"
)

// Text is an invoice made ready to be set, in one pass over its text: a
// copy in which every character no font has is '?', which characters
// those were, and which the fallback font sets.
type Text struct {
	Invoice pricing.Invoice // what the PDF shows
	// Lacking are the characters the PDF shows as '?', as "field: U+XXXX
	// 'c'", in the order of the document's fields.
	Lacking []string
	orig    *pricing.Invoice // what the e-invoice says, as it was given
	fonts   *Fonts
	chars   string // the characters set in the fallback font, sorted, once each
}

// Prepare makes inv ready to be set in f: what glyphs says no font sets
// (an emoji, beyond the Basic Multilingual Plane, never) becomes '?'.
func (f *Fonts) Prepare(inv *pricing.Invoice) *Text {
	t := &Text{Invoice: *inv, orig: inv, fonts: f}
	var buf sfnt.Buffer
	var inFallback []rune
	set := f.glyphs()
	t.Lacking = clean(&t.Invoice, func(r rune) bool {
		if !set.Settable(r, &buf) {
			return false
		}
		if !set.InGo(r, &buf) {
			inFallback = append(inFallback, r)
		}
		return true
	})
	slices.Sort(inFallback)
	t.chars = string(slices.Compact(inFallback))
	return t
}

// fallback is the fallback font cut to the characters the document sets
// in it; nil when it sets none.
func (t *Text) fallback() []byte {
	if t.chars == "" {
		return nil
	}
	return t.fonts.cut(t.chars)
}

// clean replaces in inv, a shallow copy whose slices it copies before
// changing them, every character from U+0080 on that has does not accept
// with '?' (invalid UTF-8 is U+FFFD first), and says which, as "field:
// U+XXXX 'c'". It visits every text of the invoice the PDF sets.
func clean(inv *pricing.Invoice, has func(rune) bool) (lacking []string) {
	fix := func(field string, s *string) {
		if !strings.ContainsFunc(*s, func(r rune) bool { return r >= 0x80 }) {
			return
		}
		out := []rune(*s)
		changed := !utf8.ValidString(*s)
		for i, r := range out {
			if r >= 0x80 && !has(r) {
				lacking = append(lacking, fmt.Sprintf("%s: %U %q", field, r, r))
				out[i], changed = '?', true
			}
		}
		if changed {
			*s = string(out)
		}
	}
	fixAll := func(field string, ss *[]string) {
		*ss = slices.Clone(*ss)
		for i := range *ss {
			fix(field, &(*ss)[i])
		}
	}
	fix("customer name", &inv.Customer.Name)
	fix("issuer name", &inv.Issuer.Name)
	fix("number", &inv.Number)
	fixAll("customer address", &inv.Customer.Address)
	fixAll("issuer address", &inv.Issuer.Address)
	fix("customer city", &inv.Customer.City)
	fix("customer postcode", &inv.Customer.Postcode)
	fix("issuer city", &inv.Issuer.City)
	fix("issuer postcode", &inv.Issuer.Postcode)
	fix("issuer tax number", &inv.Issuer.TaxNumber)
	fix("buyer reference", &inv.BuyerReference)
	if b := inv.Issuer.Bank; b != nil {
		c := *b
		fix("bank account holder", &c.Holder)
		inv.Issuer.Bank = &c
	}
	if r := inv.Issuer.Register; r != nil {
		c := *r
		fix("register court", &c.Court)
		fix("register number", &c.Number)
		inv.Issuer.Register = &c
	}
	fixAll("managing director", &inv.Issuer.ManagingDirectors)
	fix("customer VAT ID", &inv.Customer.VATID)
	fix("customer email", &inv.Customer.Email)
	fix("issuer email", &inv.Issuer.Email)
	fixAll("note", &inv.Notes)
	inv.UsageItems = slices.Clone(inv.UsageItems)
	for i := range inv.UsageItems {
		fix("usage unit", &inv.UsageItems[i].Unit)
		fix("usage label", &inv.UsageItems[i].Label)
		fix("usage unit", &inv.UsageItems[i].UnitLabel)
	}
	inv.Allowances = slices.Clone(inv.Allowances)
	for i := range inv.Allowances {
		fix("discount reason", &inv.Allowances[i].Reason)
	}
	inv.Lines = slices.Clone(inv.Lines)
	for i := range inv.Lines {
		fix("line description", &inv.Lines[i].Description)
		fix("line unit", &inv.Lines[i].Unit)
	}
	return lacking
}
