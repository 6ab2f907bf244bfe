package pricing

import (
	"slices"

	"github.com/billrun/billrun/internal/config"
)

// The parties of an invoice are pricing's own types, copied from the
// config when an invoice is built: their JSON is the schema of
// invoices.json and of the documents the register stores
// (docs/formats.md), which a key added to the config must not change.

// Party is a seller or buyer as an invoice names it.
type Party struct {
	Name      string    `json:"name"`
	Address   []string  `json:"address"`
	Postcode  string    `json:"postcode,omitempty"`
	City      string    `json:"city,omitempty"`
	Region    string    `json:"region,omitempty"`
	Country   string    `json:"country"`
	VATID     string    `json:"vat_id,omitempty"`
	TaxNumber string    `json:"tax_number,omitempty"` // the national tax number (§14 UStG)
	Email     string    `json:"email,omitempty"`
	Endpoint  *Endpoint `json:"endpoint,omitempty"` // the e-invoice address (BT-34, BT-49)
}

// Endpoint is an electronic address: an EAS scheme and the address in it.
type Endpoint struct {
	Scheme string `json:"scheme"`
	ID     string `json:"id"`
}

// Issuer is the seller, with what §14 UStG and finance want on each
// invoice.
type Issuer struct {
	Party
	Identifier        *Identifier `json:"identifier,omitempty"` // BT-29
	Bank              *Bank       `json:"bank,omitempty"`
	Register          *Register   `json:"register,omitempty"`
	ManagingDirectors []string    `json:"managing_directors,omitempty"`
	Contact           *Contact    `json:"contact,omitempty"`
}

// Identifier is an identifier in an ISO 6523 scheme (empty: none named).
type Identifier struct {
	Scheme string `json:"scheme,omitempty"`
	ID     string `json:"id"`
}

// Bank is the account customers pay to.
type Bank struct {
	IBAN   string `json:"iban"`
	BIC    string `json:"bic,omitempty"`
	Holder string `json:"holder"`
}

// Register is the seller's entry in a commercial register.
type Register struct {
	Court  string `json:"court"`
	Number string `json:"number"`
}

// Contact is who a customer asks about an invoice (BG-6).
type Contact struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Email string `json:"email"`
}

// partyOf copies a configured party.
func partyOf(p config.Party) Party {
	out := Party{Name: p.Name, Address: slices.Clone(p.Address), Postcode: p.Postcode, City: p.City, Region: p.Region, Country: p.Country,
		VATID: p.VATID, TaxNumber: p.TaxNumber, Email: p.Email}
	if e := p.Endpoint; e != nil {
		out.Endpoint = &Endpoint{Scheme: e.Scheme, ID: e.ID}
	}
	return out
}

// IssuerOf copies the configured issuer.
func IssuerOf(is config.Issuer) Issuer {
	out := Issuer{Party: partyOf(is.Party), ManagingDirectors: slices.Clone(is.ManagingDirectors)}
	if b := is.Bank; b != nil {
		out.Bank = &Bank{IBAN: b.IBAN, BIC: b.BIC, Holder: b.Holder}
	}
	if r := is.Register; r != nil {
		out.Register = &Register{Court: r.Court, Number: r.Number}
	}
	out.Contact = contactOf(is.Contact)
	if id := is.Identifier; id != nil {
		out.Identifier = &Identifier{Scheme: id.Scheme, ID: id.ID}
	}
	return out
}

// contactOf copies a configured contact; nil for none.
func contactOf(c *config.Contact) *Contact {
	if c == nil {
		return nil
	}
	return &Contact{Name: c.Name, Phone: c.Phone, Email: c.Email}
}
