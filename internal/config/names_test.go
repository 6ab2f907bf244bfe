package config

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// The hand-written checks accept exactly what the regexps they replaced
// accept.
func TestNamesMatchRegexps(t *testing.T) {
	name := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)
	id := regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	const alphabet = "aZz09._-/ é\x00A"
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		b := make([]byte, r.IntN(132))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		if r.IntN(2) == 0 { // mostly valid characters, to reach the length limits
			for i := range b {
				b[i] = "aZ09._-"[r.IntN(7)]
			}
		}
		s := string(b)
		if validName(s) != name.MatchString(s) || validID(s, 64) != id.MatchString(s) {
			t.Fatalf("%q: name %v id %v", s, validName(s), validID(s, 64))
		}
	}
}
