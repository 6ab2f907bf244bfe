package config

import (
	"bytes"
	"slices"
)

// yaml.v3 spends about 6 µs of CPU per VPS listed: a 10,000-VPS config
// took 45 ms of wall time on two cores before billing started, a tenth
// of billrun usage's run. Almost all of such a config is list items in
// the plain shapes billrun demo writes and the README shows:
//
//	vps:
//	  - {name: vps00001, file: vps00001.rrd, host: host01}
//	customers:
//	  - id: C00001
//	    name: "Müller & Söhne GmbH"
//	    address: ["Street 1", "City"]
//	    reverse_charge: true
//	    vps:
//	      - {name: vps00000, file: vps/vps00000.rrd, host: host00}
//
// fastVPS and fastCustomers decode a piece of a list (see lists.go) when
// every line of it has one of those shapes, in a strict subset of YAML
// whose meaning is plain: keys are known field names, each at most once;
// a value is a plain scalar of [A-Za-z0-9._/@-] (not starting with one of
// ._@-, and not a spelling of null), a double-quoted string with neither
// '"' nor '\' inside it, a flow sequence of those (address), true or false
// (reverse_charge), or, for vps, a block sequence of one-line flow
// mappings; no comments, no blank lines, no trailing spaces. yaml.v3 sets
// a string field to the scalar's text whatever type the text resolves to
// (decode.go: out.SetString(n.Value)), so "123" or "2026-10-15" decode
// to themselves. Any other line makes the piece go to yaml.v3, which
// also reports every error. FuzzFastList checks on arbitrary pieces, and
// FuzzParse on whole documents, that whatever the fast path takes it
// decodes as yaml.v3 does.

// fastVPS decodes a top-level vps piece of one-line flow mappings.
func fastVPS(b []byte) ([]VPS, bool) {
	lines, ok := pieceLines(b)
	if !ok {
		return nil, false
	}
	ind := indentOf(lines[0])
	out := make([]VPS, 0, len(lines))
	for _, l := range lines {
		var v VPS
		if !itemLine(l, ind) || !flowMapping(l[ind+2:], fields(vpsKeys, &v.Name, &v.File, &v.Host)) {
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}

// fastCustomers decodes a customers piece of block-mapping items.
func fastCustomers(b []byte) ([]Customer, bool) {
	lines, ok := pieceLines(b)
	if !ok {
		return nil, false
	}
	ind := indentOf(lines[0])
	var out []Customer
	for i := 0; i < len(lines); {
		var c Customer
		var seen [custKeys]bool
		// the item's first key follows its dash; the others are at ind+2
		if !itemLine(lines[i], ind) {
			return nil, false
		}
		line := lines[i][ind+2:]
		for {
			k, rest, ok := blockKey(line)
			if !ok || seen[k] {
				return nil, false
			}
			seen[k] = true
			i++
			if k == custVPS {
				if len(rest) != 0 || c.VPS != nil {
					return nil, false
				}
				// one-line flow mappings, all at one indentation deeper
				// than the item's dash
				j := i
				for ; j < len(lines) && indentOf(lines[j]) >= ind+2 && isItem(lines[j][indentOf(lines[j]):]); j++ {
				}
				if j == i {
					return nil, false
				}
				sub := indentOf(lines[i])
				c.VPS = make([]CustomerVPS, 0, j-i)
				for ; i < j; i++ {
					var v CustomerVPS
					if !itemLine(lines[i], sub) || !flowMapping(lines[i][sub+2:], fields(customerVPSKeys, &v.Name, &v.File, &v.Host, &v.ActiveFrom, &v.ActiveUntil)) {
						return nil, false
					}
					c.VPS = append(c.VPS, v)
				}
			} else if !customerValue(&c, k, rest) {
				return nil, false
			}
			if i == len(lines) || indentOf(lines[i]) != ind+2 {
				break
			}
			line = lines[i][ind+2:]
			if len(line) > 0 && (line[0] == '-' || line[0] == ' ') {
				return nil, false
			}
		}
		if !seen[custID] {
			// yaml.v3 would decode it all the same; the fast path only
			// takes what billrun demo and the README write
			return nil, false
		}
		out = append(out, c)
	}
	return out, true
}

// pieceLines splits a piece into its lines; false when any is blank,
// ends in a space or holds a '#' outside double quotes (which may start
// a comment), or when the piece holds a character printable refuses
// (tab, CR, or a line break yaml.v3 sees and '\n' does not).
func pieceLines(b []byte) ([][]byte, bool) {
	b = bytes.TrimSuffix(b, []byte("\n"))
	if len(b) == 0 || !printable(b) {
		return nil, false
	}
	lines := bytes.Split(b, []byte("\n"))
	for _, l := range lines {
		if len(bytes.TrimLeft(l, " ")) == 0 || l[len(l)-1] == ' ' {
			return nil, false
		}
		quoted := false
		for _, c := range l {
			switch {
			case c == '"':
				quoted = !quoted
			case c == '#' && !quoted:
				return nil, false
			}
		}
	}
	return lines, true
}

func indentOf(l []byte) int { return len(l) - len(bytes.TrimLeft(l, " ")) }

// itemLine says whether l is "- " at indentation ind and more.
func itemLine(l []byte, ind int) bool {
	return len(l) > ind+2 && indentOf(l) == ind && l[ind] == '-' && l[ind+1] == ' ' && l[ind+2] != ' '
}

// The keys of a customer the fast path knows, as indexes of seen.
const (
	custID = iota
	custName
	custAddress
	custVATID
	custEmail
	custCurrency
	custPlan
	custReverseCharge
	custVPS
	custKeys
)

var customerKeys = map[string]int{
	"id": custID, "name": custName, "address": custAddress, "vat_id": custVATID,
	"email": custEmail, "currency": custCurrency, "plan": custPlan,
	"reverse_charge": custReverseCharge, "vps": custVPS,
}

// blockKey reads "key:" and the value after ": " (empty for "key:").
func blockKey(line []byte) (k int, rest []byte, ok bool) {
	i := 0
	for i < len(line) && (line[i] >= 'a' && line[i] <= 'z' || line[i] == '_') {
		i++
	}
	k, known := customerKeys[string(line[:i])]
	if !known || i == len(line) || line[i] != ':' {
		return 0, nil, false
	}
	rest = line[i+1:]
	if len(rest) > 0 {
		if rest[0] != ' ' {
			return 0, nil, false
		}
		rest = bytes.TrimLeft(rest, " ")
	}
	return k, rest, true
}

// customerValue sets key k of c from a block value.
func customerValue(c *Customer, k int, v []byte) bool {
	switch k {
	case custAddress:
		if len(v) == 0 || v[0] != '[' {
			return false
		}
		var ok bool
		c.Address, ok = flowSequence(v)
		return ok
	case custReverseCharge:
		switch string(v) {
		case "true":
			c.ReverseCharge = true
		case "false":
		default:
			return false
		}
		return true
	}
	s, rest, ok := scalar(v, false)
	str := [custKeys]*string{custID: &c.ID, custName: &c.Name, custVATID: &c.VATID,
		custEmail: &c.Email, custCurrency: &c.Currency, custPlan: &c.Plan}[k]
	if !ok || len(rest) != 0 || str == nil {
		return false
	}
	*str = s
	return true
}

// The keys of a VPS's flow mapping, top-level and a customer's.
var (
	vpsKeys         = []string{"name", "file", "host"}
	customerVPSKeys = []string{"name", "file", "host", "active_from", "active_until"}
)

// fields returns a setter of the string fields named keys (ptrs in the
// same order) that takes each key at most once.
func fields(keys []string, ptrs ...*string) func(k, val string) bool {
	var seen uint
	return func(k, val string) bool {
		i := slices.Index(keys, k)
		if i < 0 || seen&(1<<i) != 0 {
			return false
		}
		seen |= 1 << i
		*ptrs[i] = val
		return true
	}
}

// flowMapping reads a whole line "{key: value, …}" into set.
func flowMapping(l []byte, set func(k, v string) bool) bool {
	if len(l) < 2 || l[0] != '{' {
		return false
	}
	l = l[1:]
	for {
		l = bytes.TrimLeft(l, " ")
		i := 0
		for i < len(l) && (l[i] >= 'a' && l[i] <= 'z' || l[i] == '_') {
			i++
		}
		if i == 0 || i+1 >= len(l) || l[i] != ':' || l[i+1] != ' ' {
			return false
		}
		k := string(l[:i])
		v, rest, ok := scalar(bytes.TrimLeft(l[i+2:], " "), true)
		if !ok || !set(k, v) {
			return false
		}
		rest = bytes.TrimLeft(rest, " ")
		switch {
		case len(rest) == 1 && rest[0] == '}':
			return true
		case len(rest) > 0 && rest[0] == ',':
			l = rest[1:]
		default:
			return false
		}
	}
}

// flowSequence reads a whole value "[scalar, …]".
func flowSequence(l []byte) ([]string, bool) {
	var out []string
	l = l[1:]
	for {
		v, rest, ok := scalar(bytes.TrimLeft(l, " "), true)
		if !ok {
			return nil, false
		}
		out = append(out, v)
		rest = bytes.TrimLeft(rest, " ")
		switch {
		case len(rest) == 1 && rest[0] == ']':
			return out, true
		case len(rest) > 0 && rest[0] == ',':
			l = rest[1:]
		default:
			return nil, false
		}
	}
}

// scalar reads a double-quoted string without escapes or a plain scalar
// of the safe characters, and returns what follows it. In block context
// (flow false) a plain scalar runs to the end of the line.
func scalar(l []byte, flow bool) (string, []byte, bool) {
	if len(l) == 0 {
		return "", nil, false
	}
	if l[0] == '"' {
		end := bytes.IndexByte(l[1:], '"')
		if end < 0 || bytes.IndexByte(l[1:end+1], '\\') >= 0 {
			return "", nil, false
		}
		return string(l[1 : end+1]), l[end+2:], true
	}
	if !plainStart(l[0]) {
		return "", nil, false
	}
	i := 1
	for i < len(l) && plainByte(l[i]) {
		i++
	}
	if !flow && i != len(l) {
		return "", nil, false
	}
	switch s := string(l[:i]); s {
	case "null", "Null", "NULL":
		return "", nil, false
	default:
		return s, l[i:], true
	}
}

func plainStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/'
}

func plainByte(c byte) bool { return plainStart(c) || c == '.' || c == '_' || c == '@' || c == '-' }
