package tax

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// countries are the ISO 3166-1 alpha-2 codes.
const countries = `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV
BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM
FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM
JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR
MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS
RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`

// eu are the member states of the EU VAT area (2026).
const eu = `AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK`

var known, members = set(countries), set(eu)

func set(s string) map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(s) {
		m[c] = true
	}
	return m
}

// Country reports whether code is an ISO 3166-1 alpha-2 country code.
func Country(code string) bool { return known[code] }

// EU reports whether country is an EU member state.
func EU(country string) bool { return members[country] }

// CheckVATID says what is wrong with a VAT identification number of a
// party in country: 2 to 14 letters and digits after a prefix; in the EU,
// the country's prefix (EL for Greece), then its state's form and, where
// the state publishes one, a right check digit (offline: whether the
// number is registered only VIES can say).
func CheckVATID(id, country string) error {
	if len(id) < 4 || len(id) > 16 {
		return fmt.Errorf("%q is not a VAT ID (a country prefix and 2 to 14 letters or digits)", id)
	}
	for _, r := range id {
		if !('A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return fmt.Errorf("%q is not a VAT ID (capital letters and digits only, no spaces)", id)
		}
	}
	prefix := country
	if country == "GR" {
		prefix = "EL"
	}
	if !EU(country) {
		return nil
	}
	if id[:2] != prefix {
		return fmt.Errorf("%q does not start with %s, the VAT prefix of %s", id, prefix, country)
	}
	return checkEUVATID(id, prefix)
}

// EN 16931 VAT category codes (UNTDID 5305) billrun issues.
const (
	Standard      = "S"  // VAT at a rate
	ReverseCharge = "AE" // VAT reverse charge: the customer accounts for it
	NotSubject    = "O"  // services outside the scope of VAT in the issuer's country
)

// Treatment is how one customer's invoices are taxed.
type Treatment struct {
	Category string          `json:"category"` // S, AE or O
	Rate     decimal.Decimal `json:"rate"`     // 0.19 for 19 %; zero for AE and O
	// Reason is the exemption reason code (VATEX, BT-121) for AE and O;
	// the note's text is in the invoice's language (see Note).
	Reason string `json:"reason,omitempty"`
}

// Rates are the configured VAT rates: Domestic for customers in the
// issuer's country; Consumer for consumers in other EU states, by country
// (the OSS rule: electronically supplied services to consumers are taxed
// where the consumer is).
type Rates struct {
	Domestic decimal.Decimal
	Consumer map[string]decimal.Decimal
}

// Decide is the treatment of a customer in country, with its VAT ID (""
// for none), billed by an issuer in issuer. Hosting is a service: its
// place of supply to a business is the business's country (art. 44
// Directive 2006/112/EC), to an EU consumer the consumer's (art. 58).
func Decide(issuer, country, vatID string, r Rates) (Treatment, error) {
	switch {
	case country == issuer:
		return Treatment{Category: Standard, Rate: r.Domestic}, nil
	case EU(issuer) && EU(country) && vatID != "":
		return Treatment{Category: ReverseCharge, Rate: decimal.Zero, Reason: "VATEX-EU-AE"}, nil
	case EU(issuer) && EU(country):
		rate, ok := r.Consumer[country]
		if !ok {
			return Treatment{}, fmt.Errorf("a consumer in %s pays %s VAT (no vat_id given): set tax.consumer_rates.%s, or the customer's vat_id", country, country, country)
		}
		return Treatment{Category: Standard, Rate: rate}, nil
	default:
		return Treatment{Category: NotSubject, Rate: decimal.Zero, Reason: "VATEX-EU-O"}, nil
	}
}
