package tax

import (
	"fmt"
	"regexp"
)

// vatFormats are the forms of each EU member state's VAT identification
// number after its prefix, as the Commission's VIES describes them.
var vatFormats = map[string]*regexp.Regexp{
	"AT": regexp.MustCompile(`^U[0-9]{8}$`),
	"BE": regexp.MustCompile(`^[01][0-9]{9}$`),
	"BG": regexp.MustCompile(`^[0-9]{9,10}$`),
	"CY": regexp.MustCompile(`^[0-9]{8}[A-Z]$`),
	"CZ": regexp.MustCompile(`^[0-9]{8,10}$`),
	"DE": regexp.MustCompile(`^[0-9]{9}$`),
	"DK": regexp.MustCompile(`^[0-9]{8}$`),
	"EE": regexp.MustCompile(`^10[0-9]{7}$`),
	"EL": regexp.MustCompile(`^[0-9]{9}$`),
	"ES": regexp.MustCompile(`^[0-9A-Z][0-9]{7}[0-9A-Z]$`),
	"FI": regexp.MustCompile(`^[0-9]{8}$`),
	"FR": regexp.MustCompile(`^[0-9A-HJ-NP-Z]{2}[0-9]{9}$`),
	"HR": regexp.MustCompile(`^[0-9]{11}$`),
	"HU": regexp.MustCompile(`^[0-9]{8}$`),
	"IE": regexp.MustCompile(`^([0-9]{7}[A-W][A-I]?|[0-9][A-Z+*][0-9]{5}[A-W])$`),
	"IT": regexp.MustCompile(`^[0-9]{11}$`),
	"LT": regexp.MustCompile(`^([0-9]{9}|[0-9]{12})$`),
	"LU": regexp.MustCompile(`^[0-9]{8}$`),
	"LV": regexp.MustCompile(`^[0-9]{11}$`),
	"MT": regexp.MustCompile(`^[0-9]{8}$`),
	"NL": regexp.MustCompile(`^[0-9]{9}B[0-9]{2}$`),
	"PL": regexp.MustCompile(`^[0-9]{10}$`),
	"PT": regexp.MustCompile(`^[0-9]{9}$`),
	"RO": regexp.MustCompile(`^[1-9][0-9]{1,9}$`),
	"SE": regexp.MustCompile(`^[0-9]{10}01$`),
	"SI": regexp.MustCompile(`^[1-9][0-9]{7}$`),
	"SK": regexp.MustCompile(`^[1-9][0-9]{9}$`),
}

// vatForms say the forms of vatFormats in words, for errors.
var vatForms = map[string]string{
	"AT": "U and 8 digits", "BE": "10 digits, the first 0 or 1", "BG": "9 or 10 digits", "CY": "8 digits and a letter",
	"CZ": "8 to 10 digits", "DE": "9 digits", "DK": "8 digits", "EE": "9 digits from 10", "EL": "9 digits",
	"ES": "9 characters: a letter or digit, 7 digits, a letter or digit", "FI": "8 digits",
	"FR": "2 check characters and the 9-digit SIREN", "HR": "11 digits", "HU": "8 digits",
	"IE": "7 digits and 1 or 2 letters", "IT": "11 digits", "LT": "9 or 12 digits", "LU": "8 digits", "LV": "11 digits",
	"MT": "8 digits", "NL": "9 digits, B and 2 digits", "PL": "10 digits", "PT": "9 digits", "RO": "2 to 10 digits",
	"SE": "12 digits ending in 01", "SI": "8 digits", "SK": "10 digits",
}

// vatChecks verify the check digit of the states whose algorithm is
// published (the Commission's VIES algorithms), on the part after the
// prefix, once its form is right.
var vatChecks = map[string]func(string) bool{
	"AT": func(s string) bool { // U + 7 digits + check
		sum := 0
		for i, c := range s[1:8] {
			d := digit(c)
			if i%2 == 1 {
				d = d/5 + d*2%10
			}
			sum += d
		}
		return (10-(sum+4)%10)%10 == digit(rune(s[8]))
	},
	"BE": func(s string) bool { return 97-atoi(s[:8])%97 == atoi(s[8:]) },
	"DE": func(s string) bool { return mod1110(s[:8]) == digit(rune(s[8])) },
	"DK": func(s string) bool { return weighted(s, []int{2, 7, 6, 5, 4, 3, 2, 1})%11 == 0 },
	"EE": func(s string) bool { return (10-weighted(s, []int{3, 7, 1, 3, 7, 1, 3, 7})%10)%10 == digit(rune(s[8])) },
	"EL": func(s string) bool {
		return weighted(s, []int{256, 128, 64, 32, 16, 8, 4, 2})%11%10 == digit(rune(s[8]))
	},
	"FI": func(s string) bool {
		r := weighted(s, []int{7, 9, 10, 5, 8, 4, 2}) % 11
		return r != 1 && (11-r)%11 == digit(rune(s[7]))
	},
	"FR": func(s string) bool { // a numeric key checks the SIREN
		if s[0] > '9' || s[1] > '9' {
			return true
		}
		return (12+3*(atoi(s[2:])%97))%97 == atoi(s[:2])
	},
	"HR": func(s string) bool { return mod1110(s[:10]) == digit(rune(s[10])) },
	"HU": func(s string) bool { return (10-weighted(s, []int{9, 7, 3, 1, 9, 7, 3})%10)%10 == digit(rune(s[7])) },
	"IE": ieCheck,
	"IT": luhn,
	"LU": func(s string) bool { return atoi(s[:6])%89 == atoi(s[6:]) },
	"PL": func(s string) bool { return weighted(s, []int{6, 5, 7, 2, 3, 4, 5, 6, 7})%11 == digit(rune(s[9])) },
	"PT": func(s string) bool {
		c := 11 - weighted(s, []int{9, 8, 7, 6, 5, 4, 3, 2})%11
		return c%11%10 == digit(rune(s[8]))
	},
	"SE": func(s string) bool { return luhn(s[:10]) },
	"SI": func(s string) bool {
		c := 11 - weighted(s, []int{8, 7, 6, 5, 4, 3, 2})%11
		return c != 11 && c%10 == digit(rune(s[7]))
	},
	"SK": func(s string) bool { return atoi(s)%11 == 0 },
}

// checkEUVATID checks the part of an EU VAT ID after the prefix of
// country (EL for GR) against its state's form and check digit.
func checkEUVATID(id, prefix string) error {
	rest := id[2:]
	if re := vatFormats[prefix]; re != nil && !re.MatchString(rest) {
		return fmt.Errorf("%q is not a VAT ID of %s (%s and %s)", id, prefix, prefix, vatForms[prefix])
	}
	if check := vatChecks[prefix]; check != nil && !check(rest) {
		return fmt.Errorf("%q: its check digit is wrong (a typo?)", id)
	}
	return nil
}

func digit(c rune) int { return int(c - '0') }

// atoi is s, all digits, as a number (at most 11 digits: no overflow).
func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + digit(c)
	}
	return n
}

// weighted is the sum of s's first len(w) digits times their weights.
func weighted(s string, w []int) int {
	sum := 0
	for i, x := range w {
		sum += digit(rune(s[i])) * x
	}
	return sum
}

// mod1110 is the ISO 7064 MOD 11,10 check digit of the digits of s.
func mod1110(s string) int {
	p := 10
	for _, c := range s {
		sum := (digit(c) + p) % 10
		if sum == 0 {
			sum = 10
		}
		p = 2 * sum % 11
	}
	return (11 - p) % 10
}

// luhn says whether s's digits pass the Luhn check.
func luhn(s string) bool {
	sum := 0
	for i := range len(s) {
		d := digit(rune(s[len(s)-1-i]))
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// ieCheck checks an Irish VAT number: 7 digits weighted 8 to 2 (the old
// form's second character moved to the front as a digit 0), plus 9 × a
// second letter's place, mod 23 is the check letter (W for 0).
func ieCheck(s string) bool {
	const letters = "WABCDEFGHIJKLMNOPQRSTUV"
	digits, check, extra := s[:7], s[7], 0
	if s[1] < '0' || s[1] > '9' { // old form: 1X23456A is 0234561, check A
		digits, check = "0"+s[2:7]+s[:1], s[7]
	} else if len(s) == 9 {
		extra = 9 * int(s[8]-'A'+1)
	}
	return letters[(weighted(digits, []int{8, 7, 6, 5, 4, 3, 2})+extra)%23] == check
}
