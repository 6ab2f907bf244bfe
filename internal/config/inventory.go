package config

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/billrun/billrun/internal/inputfile"
)

// inventoryColumns are the inventory's columns, named in its header row
// in any order; vps is required, the others may be left out.
var inventoryColumns = []string{"customer", "vps", "file", "host", "from", "until"}

// maxInventoryLine bounds one line of the inventory, so that a file
// without line breaks cannot take the memory of its size.
const maxInventoryLine = 64 << 10

// readInventory adds the VPS of the inventory CSV at path to the
// customers (by id) or, with no customer, to the top-level list. The file
// is read as a stream, a record at a time; each row is checked as the same
// entry in the YAML would be, and an error names the file, the line and
// the column. seen holds the VPS names so far.
func (c *Config) readInventory(path string, seen map[string]bool) error {
	f, st, err := inputfile.Open(path)
	if err != nil {
		return fmt.Errorf("inventory: %w", err)
	}
	defer f.Close()
	if st.Size() > maxInventoryBytes {
		return fmt.Errorf("inventory: %s: %d bytes, more than the %d an inventory may have", path, st.Size(), int64(maxInventoryBytes))
	}
	// The inventory is part of the configuration: its bytes go into the
	// digest the manifest records.
	h := sha256.New()
	h.Write([]byte(c.digest))
	defer func() { c.digest = "sha256:" + hex.EncodeToString(h.Sum(nil)) }()
	r := csv.NewReader(&lineLimit{r: io.TeeReader(&sizeLimit{r: f, left: maxInventoryBytes}, h), max: maxInventoryLine})
	r.ReuseRecord = true
	r.FieldsPerRecord = -1 // checked below, with the line named
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: header: %w", path, csvError(err))
	}
	col := map[string]int{}
	for i, h := range header {
		if _, dup := col[h]; dup || !isColumn(h) {
			return fmt.Errorf("%s:1: column %d: %q is not one of %v, or repeated", path, i+1, h, inventoryColumns)
		}
		col[h] = i
	}
	if _, ok := col["vps"]; !ok {
		return fmt.Errorf("%s:1: no vps column", path)
	}
	customers := map[string]int{}
	for i, cu := range c.Customers {
		customers[cu.ID] = i
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, csvError(err))
		}
		line, _ := r.FieldPos(0) // after an error it would panic
		if len(rec) != len(header) {
			return fmt.Errorf("%s:%d: %d fields, the header has %d", path, line, len(rec), len(header))
		}
		// A field is a slice of its record's one string: cloned, the
		// fields kept (a name, a host) do not keep the whole line alive.
		get := func(name string) string {
			if i, ok := col[name]; ok {
				return strings.Clone(rec[i])
			}
			return ""
		}
		v := CustomerVPS{Name: get("vps"), File: get("file"), Host: get("host"), ActiveFrom: get("from"), ActiveUntil: get("until")}
		cust := get("customer")
		if cust == "" {
			if v.ActiveFrom != "" || v.ActiveUntil != "" {
				return fmt.Errorf("%s:%d: column from: only a customer's VPS has an active window", path, line)
			}
			// the checks of a customer's VPS are those of a top-level one
			if key, err := c.checkCustomerVPS(&v, seen); err != nil {
				return fmt.Errorf("%s:%d: column %s: %v", path, line, inventoryColumn(key), err)
			}
			c.VPS = append(grow(c.VPS), VPS{Name: v.Name, File: v.File, Host: v.Host})
			continue
		}
		i, ok := customers[cust]
		if !ok {
			return fmt.Errorf("%s:%d: column customer: no customer %q in the config", path, line, cust)
		}
		if key, err := c.checkCustomerVPS(&v, seen); err != nil {
			return fmt.Errorf("%s:%d: column %s: %v", path, line, inventoryColumn(key), err)
		}
		c.Customers[i].VPS = append(grow(c.Customers[i].VPS), v)
	}
}

func isColumn(h string) bool {
	for _, c := range inventoryColumns {
		if h == c {
			return true
		}
	}
	return false
}

// inventoryColumn is the column a customer VPS's key comes from.
func inventoryColumn(key string) string {
	switch key {
	case "name":
		return "vps"
	case "active_from":
		return "from"
	case "active_until":
		return "until"
	}
	return key
}

// csvError is a csv.Reader error as a person reads it: line and column
// first.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d, column %d: %w", pe.Line, pe.Column, pe.Err)
	}
	return err
}

// maxInventoryBytes bounds the inventory (some 50 bytes a VPS: 20 million
// VPS), and with it the time it takes to read one: a file that says it
// is empty (in /proc, say) cannot stream for ever.
const maxInventoryBytes = 1 << 30

// sizeLimit fails a read past left bytes.
type sizeLimit struct {
	r    io.Reader
	left int64
}

func (l *sizeLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if l.left -= int64(n); l.left < 0 {
		return 0, fmt.Errorf("more than the %d bytes an inventory may have", int64(maxInventoryBytes))
	}
	return n, err
}

// lineLimit fails a read once a line runs past max bytes.
type lineLimit struct {
	r   io.Reader
	max int
	run int // bytes since the last line break
}

func (l *lineLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, b := range p[:n] {
		if b == '\n' {
			l.run = 0
		} else if l.run++; l.run > l.max {
			return 0, fmt.Errorf("a line longer than %d bytes", l.max)
		}
	}
	return n, err
}

// inventoryPath is the inventory's path, relative to the config's
// directory dir.
func inventoryPath(p, dir string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// grow doubles a full list: append grows a long slice by a quarter, and
// over 100,000 inventory rows the copies it leaves behind come to five
// times the list, which raised usage's peak memory by a third.
func grow[T any](s []T) []T {
	if len(s) == cap(s) {
		return slices.Grow(s, len(s)+1)
	}
	return s
}
