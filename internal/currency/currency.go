// Package currency is ISO 4217: which codes are currencies, and how many
// decimals each one's minor unit has. A code that is not here is a
// mistake (USS for USD), never a currency billed with a guess.
package currency

import "strings"

// codes are the active ISO 4217 currency codes (funds and precious metals
// left out), as of 2026.
const codes = `AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP
GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP
LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN
PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT
TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG`

// decimals lists the currencies whose minor unit is not 2 decimals.
var decimals = map[string]int32{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0,
	"UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	"CLF": 4, "UYW": 4,
}

var known = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(codes) {
		m[c] = true
	}
	return m
}()

// Known reports whether code is an ISO 4217 currency.
func Known(code string) bool { return known[code] }

// MinorUnits is the number of decimals of a currency's minor unit.
func MinorUnits(code string) int32 {
	if n, ok := decimals[code]; ok {
		return n
	}
	return 2
}

// InvoicePlaces is the number of decimals invoices in code carry: its
// minor unit, but at most 2, which is all EN 16931 allows an amount
// (BR-DEC-*); a dinar invoice (KWD, 3) is in whole 10-fils steps.
func InvoicePlaces(code string) int32 { return min(MinorUnits(code), 2) }
