package config

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
	"golang.org/x/sync/errgroup"
)

// A fleet's config lists thousands of VPS and their customers. yaml.v3
// parses a document in one piece on one core and builds a node tree of
// about 2 KB per VPS before it decodes any of it: for 10,000 VPS that is
// 60 ms before billing starts, and a peak memory that grows with the
// fleet. So when the top-level vps and customers lists are block
// sequences written the plain way (as billrun demo writes them and as
// people write them by hand), decode cuts them at their items into
// pieces of about pieceSize bytes and parses the rest of the document
// and each piece on its own, the pieces in parallel. Each list is then
// its pieces' items in order.
//
// Why a piece decodes to the items the whole document has there: a
// piece is whole lines, from one item's "- " at the list's indentation
// to another's. Every YAML construct that can span lines ends at such a
// line or errs at the piece's end: block scalars, plain scalars and
// block collections inside an item end at the first line indented no
// deeper than the item's dash, and a quoted scalar or flow collection
// still open at a piece's end is an error. An alias whose anchor is in
// another piece is an error too. The rest of the document is the root
// mapping with two of its entries taken out, which changes none of the
// others.
//
// Anything outside that shape (tabs, CR, document markers, directives,
// a root that is not a block mapping at column 0, a list key written
// another way, a list that is not a block sequence), and any error in
// the rest or in any piece, sends the whole document through yaml.v3 in
// one piece instead, so every error and its line number is the whole
// document's. FuzzParse checks that the two ways always agree.

// pieceSize is about how many bytes of a list each piece holds (a
// variable so that tests can cut at every item).
var pieceSize = 64 << 10

// listKeys are the top-level lists decode cuts.
var listKeys = [...]string{"vps", "customers"}

// list is a cut list: its key's index in listKeys and its pieces.
type list struct {
	key    int
	pieces [][]byte
}

// decode decodes config bytes as yaml.v3 does in one piece (strictly: an
// unknown key is an error), cutting the long lists when it can.
func decode(b []byte) (*Config, error) {
	if c, ok := decodeCut(b); ok {
		return c, nil
	}
	var c Config
	if err := decodeWhole(b, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// decodeWhole decodes b in one piece into v. An empty document leaves v
// as it is (the defaults).
func decodeWhole(b []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// decodeCut decodes b with its long lists cut into pieces; ok is false
// when b is not in the shape cut is sure of or any part of it fails.
func decodeCut(b []byte) (*Config, bool) {
	head, lists, ok := cut(b)
	if !ok {
		return nil, false
	}
	var c Config
	if decodeWhole(head, &c) != nil || c.VPS != nil || c.Customers != nil {
		return nil, false
	}
	// Every piece decodes into its own slot, so the order of the items
	// never depends on which piece finishes first.
	var nv, nc int
	for _, l := range lists {
		if listKeys[l.key] == "vps" {
			nv += len(l.pieces)
		} else {
			nc += len(l.pieces)
		}
	}
	vps, custs := make([][]VPS, 0, nv), make([][]Customer, 0, nc)
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, l := range lists {
		for _, p := range l.pieces {
			if listKeys[l.key] == "vps" {
				vps = append(vps, nil)
				dst := &vps[len(vps)-1] // vps never grows past nv
				g.Go(func() error {
					if v, ok := fastVPS(p); ok {
						*dst = v
						return nil
					}
					return decodeWhole(p, dst)
				})
			} else {
				custs = append(custs, nil)
				dst := &custs[len(custs)-1]
				g.Go(func() error {
					if c, ok := fastCustomers(p); ok {
						*dst = c
						return nil
					}
					return decodeWhole(p, dst)
				})
			}
		}
	}
	if g.Wait() != nil {
		return nil, false
	}
	c.VPS, c.Customers = join(vps), join(custs)
	return &c, true
}

// join concatenates the pieces' items; nil when there are no pieces.
func join[T any](pieces [][]T) []T {
	if len(pieces) == 0 {
		return nil
	}
	n := 0
	for _, p := range pieces {
		n += len(p)
	}
	out := make([]T, 0, n)
	for _, p := range pieces {
		out = append(out, p...)
	}
	return out
}

// cut splits b into the document without its long lists (head) and the
// lists' pieces. ok is false when b is not in the shape described above,
// or has no long list to cut.
func cut(b []byte) (head []byte, lists []list, ok bool) {
	if !plainText(b) {
		return nil, nil, false
	}
	var (
		cu    cutter
		cur   *list
		piece int // where the current list's piece starts
	)
	head = make([]byte, 0, 4096)
	for off := 0; off < len(b); {
		next := len(b)
		if i := bytes.IndexByte(b[off:], '\n'); i >= 0 {
			next = off + i + 1
		}
		kind := cu.line(bytes.TrimSuffix(b[off:next], []byte("\n")))
		if cur != nil && (kind == lineHead || kind == lineKey) {
			cur.pieces = append(cur.pieces, b[piece:off])
			lists = append(lists, *cur)
			cur = nil
		}
		switch kind {
		case lineBad:
			return nil, nil, false
		case lineHead:
			head = append(head, b[off:next]...)
		case lineKey:
			cur = &list{key: cu.key}
			piece = -1
		case lineFirst:
			piece = off
		case lineItem:
			if off-piece >= pieceSize {
				cur.pieces = append(cur.pieces, b[piece:off])
				piece = off
			}
		}
		off = next
	}
	if !cu.end() {
		return nil, nil, false
	}
	if cur != nil {
		cur.pieces = append(cur.pieces, b[piece:])
		lists = append(lists, *cur)
	}
	if n := len(head); n > 0 && head[n-1] != '\n' {
		head = append(head, '\n')
	}
	return head, lists, true
}

// plainText says whether b may be cut at all: no tab, CR or BOM, and only
// characters printable allows.
func plainText(b []byte) bool {
	return !bytes.ContainsAny(b, "\t\r") && !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) && printable(b)
}

// lineKind is what a line of a document is to cut.
type lineKind int

const (
	lineBad   lineKind = iota // not in the shape cut is sure of
	lineHead                  // part of the rest of the document
	lineKey                   // the key line of a long list (cutter.key)
	lineFirst                 // the current list's first item starts here
	lineItem                  // another item of the current list starts here
	lineMore                  // more of the current item (or a blank line or comment in the list)
)

// cutter classifies a document's lines in turn (see lists.go's comment),
// so that a document in memory (cut) and one read line by line
// (sources.go) are cut alike.
type cutter struct {
	inList bool
	key    int // the current list's index in listKeys
	ind    int // its item indentation, -1 before its first item
	seen   [len(listKeys)]bool
	entry  bool // a top-level line has been seen
	lists  int  // lists begun
}

// line classifies the next line, without its '\n'.
func (c *cutter) line(line []byte) lineKind {
	rest := bytes.TrimLeft(line, " ")
	sp := len(line) - len(rest)
	blank := len(rest) == 0 || rest[0] == '#'
	if c.inList {
		switch {
		case blank, c.ind >= 0 && sp > c.ind:
			return lineMore
		case c.ind < 0:
			if !isItem(rest) {
				return lineBad
			}
			c.ind = sp
			return lineFirst
		case sp == c.ind && isItem(rest):
			return lineItem
		case sp == 0:
			// the next top-level key ends the list
			c.inList = false
		default:
			return lineBad
		}
	}
	if sp > 0 && !blank && !c.entry {
		// indented content before any top-level key: the root is not a
		// block mapping at column 0
		return lineBad
	}
	if sp == 0 && !blank {
		c.entry = true
		if k, ok := listKey(rest); ok {
			if c.seen[k] {
				return lineBad
			}
			c.seen[k] = true
			c.inList, c.key, c.ind = true, k, -1
			c.lists++
			return lineKey
		}
		// A key written some other way (quoted, complex, anchored,
		// tagged, a merge), a root that is not a block mapping, a
		// document marker or a directive.
		if bytes.IndexByte([]byte("\"'?{[&!*|>%@`<-.,]}"), rest[0]) >= 0 {
			return lineBad
		}
		for _, k := range listKeys {
			if bytes.HasPrefix(rest, []byte(k)) {
				return lineBad
			}
		}
	}
	return lineHead
}

// end says whether the document, now read whole, can be cut: it has a
// long list, and the last one has an item.
func (c *cutter) end() bool {
	return c.lists > 0 && !(c.inList && c.ind < 0)
}

// isItem says whether a line (without its indentation) starts a block
// sequence's item.
func isItem(rest []byte) bool {
	return len(rest) == 1 && rest[0] == '-' || len(rest) > 1 && rest[0] == '-' && rest[1] == ' '
}

// listKey says which list a top-level line starts: exactly "key:",
// perhaps with spaces and a comment after it.
func listKey(rest []byte) (int, bool) {
	for i, k := range listKeys {
		r, ok := bytes.CutPrefix(rest, []byte(k+":"))
		if !ok {
			continue
		}
		r = bytes.TrimLeft(r, " ")
		if len(r) == 0 || r[0] == '#' && len(r) < len(rest)-len(k)-1 {
			return i, true
		}
	}
	return 0, false
}

// printable says whether b is UTF-8 of characters YAML allows (its
// c-printable set, less tab and CR, which cut declines anyway), with no
// line break but '\n'. yaml.v3 rejects any other character wherever it
// is, comments included, and cut drops the comments around a list's key.
// It also breaks lines at NEL (U+0085), LS (U+2028) and PS (U+2029),
// where cut and the fast path would see one line (FuzzFastList found a
// NEL in a quoted string, which yaml.v3 folds into a space).
func printable(b []byte) bool {
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			if c := b[0]; c < 0x20 && c != '\n' || c == 0x7f {
				return false
			}
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && n == 1, r < 0xa0, r == 0x2028, r == 0x2029,
			r == 0xfeff, // a BOM at a line's start is skipped by yaml.v3
			r >= 0xd800 && r <= 0xdfff, r == 0xfffe, r == 0xffff:
			return false
		}
		b = b[n:]
	}
	return true
}
