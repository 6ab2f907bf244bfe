package rrdwrite

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// validDSName accepts exactly what the regexp it replaced accepts.
func TestDSNameMatchesRegexp(t *testing.T) {
	re := regexp.MustCompile(`^[-a-zA-Z0-9_]{1,19}$`)
	const alphabet = "azAZ09-_. é\x00"
	r := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		b := make([]byte, r.IntN(22))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		if s := string(b); validDSName(s) != re.MatchString(s) {
			t.Fatalf("%q: %v", s, validDSName(s))
		}
	}
}
