package config

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/billrun/billrun/extsort"
	"github.com/billrun/billrun/report"
	"golang.org/x/sync/errgroup"
)

// LoadSources is Load for billrun usage, which needs a fleet's VPS files
// but none of its customers' billing details. It accepts and rejects
// exactly what Load does, with Load's errors, and returns the
// configuration without its vps and customers lists (nil) and the VPS
// sources VPSSources would list, in its order, in a report.SortedSources
// (which the caller closes).
//
// Load holds the file and every VPS and customer it decodes at once:
// some 400 bytes per VPS, on top of which the collector lets the heap
// grow. LoadSources reads a regular file in the shape lists.go cuts
// twice, a line at a time: first for the rest of the document, which
// says how to check and resolve the items (hosts, plans, rrd_dir), then
// for the long lists, whose pieces it decodes and checks a few at a
// time, in parallel, keeping of each VPS only its entry in the sorted
// list and of each customer a hash of its id, both sorted in bounded
// memory (package extsort), so that what it holds does not grow with the
// fleet. Names must differ across the whole fleet, and customer ids too:
// it checks both once every piece is in. Whatever it
// is not sure of (another shape, any error, the file changing between
// the passes) goes to Load, which reports the error or decodes the file
// in one piece.
func LoadSources(path string) (*Config, *report.SortedSources, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	var c *Config
	if fi.Mode().IsRegular() {
		if dir, err := filepath.Abs(filepath.Dir(path)); err == nil {
			if c, l, ok := streamSources(f, fi.Size(), dir); ok {
				c.path = path
				return c, l, nil
			}
		}
		c, err = Load(path)
	} else {
		// a pipe, say: read once, from what is open
		var b []byte
		if b, err = io.ReadAll(f); err == nil {
			c, err = parseFile(path, b)
		}
	}
	if err != nil {
		return nil, nil, err
	}
	l := report.NewSortedSources("", 0)
	for _, s := range c.VPSSources() {
		if err := l.Add(s, ""); err != nil {
			l.Close()
			return nil, nil, err
		}
	}
	if err := l.Sort(); err != nil { // Load checked the names
		l.Close()
		return nil, nil, err
	}
	c.VPS, c.Customers = nil, nil
	return c, l, nil
}

// streamSources is LoadSources over the size bytes of r, relative paths
// resolving against dir; ok is false when Load must decide.
func streamSources(r io.ReaderAt, size int64, dir string) (_ *Config, _ *report.SortedSources, ok bool) {
	// Pass 1: the document without its long lists.
	var (
		cu   cutter
		head = make([]byte, 0, 4096)
		sum1 = sha256.New()
	)
	first := true
	read := eachLine(io.NewSectionReader(r, 0, size), func(line []byte) bool {
		sum1.Write(line)
		if first && bytes.HasPrefix(line, []byte("\xef\xbb\xbf")) {
			return false
		}
		first = false
		if bytes.ContainsAny(line, "\t\r") || !printable(line) {
			return false
		}
		switch cu.line(bytes.TrimSuffix(line, []byte("\n"))) {
		case lineBad:
			return false
		case lineHead:
			head = append(head, line...)
		}
		return true
	})
	if !read || !cu.end() {
		return nil, nil, false
	}
	if n := len(head); n > 0 && head[n-1] != '\n' {
		head = append(head, '\n')
	}
	var c Config
	if decodeWhole(head, &c) != nil || c.VPS != nil || c.Customers != nil || c.validate(dir) != nil {
		return nil, nil, false
	}
	c.digest = "sha256:" + hex.EncodeToString(sum1.Sum(nil))

	// Pass 2: the lists, a piece at a time.
	var (
		list   = report.NewSortedSources("", sortLimit)
		ids    = extsort.New("", sortLimit/4) // the customers' ids, hashed
		mu     sync.Mutex                     // guards list and ids
		failed atomic.Bool
		g      errgroup.Group
		seed   = maphash.MakeSeed()
		sum2   = sha256.New()
	)
	defer ids.Close()
	defer func() {
		if !ok {
			list.Close()
		}
	}()
	// At most GOMAXPROCS pieces are decoded at once and one more is read.
	g.SetLimit(runtime.GOMAXPROCS(0))
	add := func(s report.Source, dir string) bool {
		mu.Lock()
		defer mu.Unlock()
		return list.Add(s, dir) == nil
	}
	addIDs := func(hashes []uint64) bool {
		mu.Lock()
		defer mu.Unlock()
		var k [8]byte
		for _, h := range hashes {
			if ids.Add(binary.BigEndian.AppendUint64(k[:0], h), nil) != nil {
				return false
			}
		}
		return true
	}
	decode := func(key string, p []byte) {
		g.Go(func() error {
			var ok bool
			if key == "vps" {
				ok = c.pieceVPS(p, add)
			} else {
				var hashes []uint64
				if hashes, ok = c.pieceCustomers(p, seed, add); ok {
					ok = addIDs(hashes)
				}
			}
			if !ok {
				failed.Store(true)
			}
			return nil
		})
	}
	cu = cutter{}
	var piece []byte
	var key string // the list piece is of
	inPiece := false
	read = eachLine(io.NewSectionReader(r, 0, size), func(line []byte) bool {
		sum2.Write(line)
		kind := cu.line(bytes.TrimSuffix(line, []byte("\n")))
		if inPiece && (kind == lineHead || kind == lineKey) {
			decode(key, piece)
			piece, inPiece = nil, false
		}
		switch kind {
		case lineBad:
			return false
		case lineFirst:
			inPiece, key = true, listKeys[cu.key]
			piece = newPiece(size)
		case lineItem:
			if len(piece) >= pieceSize {
				decode(key, piece)
				piece = newPiece(size)
			}
		}
		if inPiece {
			piece = append(piece, line...)
		}
		return !failed.Load()
	})
	if inPiece && read {
		decode(key, piece)
	}
	g.Wait()
	if !read || failed.Load() || !bytes.Equal(sum1.Sum(nil), sum2.Sum(nil)) {
		return nil, nil, false
	}
	if ids.Len() > 0 && c.checkIssuer() != nil {
		return nil, nil, false
	}
	if !uniqueKeys(ids) {
		return nil, nil, false // a duplicate id, or two ids with one hash: Load tells
	}
	if list.Sort() != nil {
		return nil, nil, false
	}
	if unique, err := list.Unique(); err != nil || !unique {
		return nil, nil, false
	}
	return &c, list, true
}

// sortLimit is the memory the VPS are sorted in by name, and a quarter of
// it the customers' id hashes (8 bytes of key, 2 of lengths and 4 of
// offset each: 18,000 customers before any goes to disk). A variable
// for the tests, which make it small.
var sortLimit = report.DefaultSourcesLimit

// uniqueKeys says whether the sorter's keys all differ (false too when
// they cannot be read back).
func uniqueKeys(s *extsort.Sorter) bool {
	if s.Sort() != nil {
		return false
	}
	unique, err := s.Unique()
	return err == nil && unique
}

// pieceVPS decodes and checks a piece of the top-level vps list, handing
// each VPS's source to add (false: stop, and fail).
func (c *Config) pieceVPS(p []byte, add func(report.Source, string) bool) bool {
	vps, ok := fastVPS(p)
	if !ok && decodeWhole(p, &vps) != nil {
		return false
	}
	for i := range vps {
		v := &vps[i]
		file := v.File
		if c.checkVPS(i, v) != nil || !add(c.source(v.Name, file, v.Host)) {
			return false
		}
	}
	return true
}

// pieceCustomers decodes and checks a piece of the customers list,
// handing each VPS's source to add; ids are the customers' ids hashed
// with seed.
func (c *Config) pieceCustomers(p []byte, seed maphash.Seed, add func(report.Source, string) bool) (ids []uint64, ok bool) {
	custs, ok := fastCustomers(p)
	if !ok && decodeWhole(p, &custs) != nil {
		return nil, false
	}
	var files []string
	for i := range custs {
		cu := &custs[i]
		files = files[:0]
		for _, v := range cu.VPS {
			files = append(files, v.File)
		}
		if c.checkCustomer(i, cu, nil) != nil {
			return nil, false
		}
		ids = append(ids, maphash.String(seed, cu.ID))
		for j, v := range cu.VPS {
			s, dir := c.source(v.Name, files[j], v.Host)
			s.From, s.Until = v.From, v.Until
			if !add(s, dir) {
				return nil, false
			}
		}
	}
	return ids, true
}

// source is a VPS's entry in a SortedSources, for its file as the
// configuration gives it: relative to rrd_dir (dir) unless it is absolute
// or on a remote host, as checkVPS and checkCustomer resolve it.
func (c *Config) source(name, file, host string) (report.Source, string) {
	if file == "" {
		file = name + ".rrd"
	}
	s := report.Source{Name: name, File: file, Daemon: c.remote[host]}
	if s.Daemon != "" || filepath.IsAbs(file) {
		return s, ""
	}
	return s, c.RRDDir
}

// newPiece is a buffer for a piece of a list in a file of size bytes: a
// piece ends at the first item after pieceSize bytes, so one item (a
// customer, some 300 bytes) more than that mostly holds it.
func newPiece(size int64) []byte {
	return make([]byte, 0, min(size, int64(pieceSize)+1024))
}

// eachLine calls f with each line of r, its '\n' included, until f
// returns false; it says whether every line was read and taken.
func eachLine(r io.Reader, f func(line []byte) bool) bool {
	br := bufio.NewReaderSize(r, 64<<10)
	var long []byte // a line longer than br's buffer
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long, line...)
			continue
		}
		if long != nil {
			line = append(long, line...)
			long = nil
		}
		if len(line) > 0 && !f(line) {
			return false
		}
		if err != nil {
			return errors.Is(err, io.EOF)
		}
	}
}
