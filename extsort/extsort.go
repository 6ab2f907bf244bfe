package extsort

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
)

const (
	// fanIn is how many runs are merged at once: each takes a read
	// buffer, so it bounds the memory a merge needs. Sort merges runs
	// fanIn at a time until no more than fanIn are left.
	fanIn = 16
	// readBuf is each merged run's read buffer.
	readBuf = 16 << 10
	// maxLimit keeps the offsets of held records within 32 bits.
	maxLimit = 1 << 30
)

// ErrSorted is returned by Add after Sort.
var ErrSorted = errors.New("extsort: Add after Sort")

// A Sorter sorts records, holding at most about limit bytes of them in
// memory. Add them, call Sort once, then read them back with Each as
// often as needed; Close frees the temporary files. A Sorter is not safe
// for concurrent use.
type Sorter struct {
	dir    string // for the runs; "" is os.TempDir()
	limit  int
	arena  []byte   // the records held, encoded as on disk
	recs   []uint32 // where each held record starts in arena, in the order added
	runs   []*run   // written runs, in the order written
	w      *bufio.Writer
	n      int
	sorted bool
}

// A run is a file of records in key order.
type run struct {
	f    *os.File
	size int64
	name string // still to remove at Close: "" once unlinked
}

// New is a Sorter that holds records up to limit bytes (their encoding
// plus four bytes each) before it writes them to a run in dir (""
// means os.TempDir()). A limit below 1 KiB is taken as 1 KiB, and one
// above 1 GiB as 1 GiB.
func New(dir string, limit int) *Sorter {
	return &Sorter{dir: dir, limit: min(max(limit, 1<<10), maxLimit)}
}

// Len is the number of records added.
func (s *Sorter) Len() int { return s.n }

// Runs is the number of runs the records are in on disk: 0 while they
// are all held in memory.
func (s *Sorter) Runs() int { return len(s.runs) }

// Add adds a record; key and value are copied.
func (s *Sorter) Add(key, value []byte) error {
	if s.sorted {
		return ErrSorted
	}
	size := uvarintLen(uint64(len(key))) + uvarintLen(uint64(len(value))) + len(key) + len(value)
	if len(s.recs) > 0 && len(s.arena)+4*len(s.recs)+size+4 > s.limit {
		if err := s.spill(); err != nil {
			return err
		}
	}
	if len(s.arena)+size > math.MaxUint32 {
		// a single record of 4 GiB: nothing billrun sorts comes near
		return fmt.Errorf("extsort: a record of %d bytes", size)
	}
	s.recs = append(s.recs, uint32(len(s.arena)))
	s.arena = binary.AppendUvarint(s.arena, uint64(len(key)))
	s.arena = binary.AppendUvarint(s.arena, uint64(len(value)))
	s.arena = append(append(s.arena, key...), value...)
	s.n++
	return nil
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// held is the record at off in the arena: its encoding, key and value.
func (s *Sorter) held(off uint32) (raw, key, value []byte) {
	b := s.arena[off:]
	kl, n1 := binary.Uvarint(b)
	vl, n2 := binary.Uvarint(b[n1:])
	h := n1 + n2
	return b[:h+int(kl)+int(vl)], b[h : h+int(kl)], b[h+int(kl) : h+int(kl)+int(vl)]
}

func (s *Sorter) sortHeld() {
	slices.SortStableFunc(s.recs, func(a, b uint32) int {
		_, ka, _ := s.held(a)
		_, kb, _ := s.held(b)
		return bytes.Compare(ka, kb)
	})
}

// spill writes the held records, sorted, to a new run and forgets them,
// keeping their memory for the next.
func (s *Sorter) spill() error {
	s.sortHeld()
	r, err := s.newRun()
	if err != nil {
		return err
	}
	for _, off := range s.recs {
		raw, _, _ := s.held(off)
		if _, err := s.w.Write(raw); err != nil {
			break
		}
	}
	if err := s.endRun(r); err != nil {
		return err
	}
	s.arena, s.recs = s.arena[:0], s.recs[:0]
	return nil
}

// newRun creates an empty run, unlinked where the system allows it, and
// points s.w at it.
func (s *Sorter) newRun() (*run, error) {
	f, err := os.CreateTemp(s.dir, "billrun-sort-*")
	if err != nil {
		return nil, fmt.Errorf("extsort: temporary file: %w", err)
	}
	r := &run{f: f, name: f.Name()}
	if os.Remove(r.name) == nil {
		r.name = ""
	}
	s.runs = append(s.runs, r)
	if s.w == nil {
		s.w = bufio.NewWriterSize(f, 64<<10)
	} else {
		s.w.Reset(f)
	}
	return r, nil
}

// endRun flushes what s.w holds for r and takes its size.
func (s *Sorter) endRun(r *run) error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("extsort: write run: %w", err)
	}
	size, err := r.f.Seek(0, io.SeekCurrent)
	if err != nil {
		return fmt.Errorf("extsort: write run: %w", err)
	}
	r.size = size
	return nil
}

// Sort ends the adding. When the records went to runs, it writes the
// last of them and merges the runs fanIn at a time until at most fanIn
// are left, which Each then merges as it reads.
func (s *Sorter) Sort() error {
	if s.sorted {
		return nil
	}
	s.sorted = true
	if len(s.runs) == 0 {
		s.sortHeld()
		return nil
	}
	if len(s.recs) > 0 {
		if err := s.spill(); err != nil {
			return err
		}
	}
	s.arena, s.recs = nil, nil
	for len(s.runs) > fanIn {
		runs := s.runs
		s.runs = nil // newRun appends the merged runs here
		for i := 0; i < len(runs); i += fanIn {
			group := runs[i:min(i+fanIn, len(runs))]
			if len(group) == 1 {
				s.runs = append(s.runs, group[0])
				continue
			}
			// Runs are merged in the order written and take their place in
			// it, so records with equal keys keep the order they came in.
			r, err := s.newRun()
			if err != nil {
				return err
			}
			err = merge(group, func(raw, _, _ []byte) bool {
				_, err := s.w.Write(raw)
				return err == nil
			})
			if err == nil {
				err = s.endRun(r)
			}
			for _, g := range group {
				g.close()
			}
			if err != nil {
				// Close frees the runs not merged yet with the rest.
				s.runs = append(s.runs, runs[i+len(group):]...)
				return err
			}
		}
	}
	s.w = nil
	return nil
}

// Each calls f with each record, in key order, until f returns false.
// key and value are valid only during the call. It can be called any
// number of times after Sort.
func (s *Sorter) Each(f func(key, value []byte) bool) error {
	if !s.sorted {
		return errors.New("extsort: Each before Sort")
	}
	if len(s.runs) == 0 {
		for _, off := range s.recs {
			if _, k, v := s.held(off); !f(k, v) {
				return nil
			}
		}
		return nil
	}
	return merge(s.runs, func(_, k, v []byte) bool { return f(k, v) })
}

// Unique says, after Sort, whether every key is different: each is
// compared with the one before it, in one pass.
func (s *Sorter) Unique() (bool, error) {
	unique := true
	var prev []byte
	first := true
	err := s.Each(func(k, _ []byte) bool {
		unique = first || !bytes.Equal(k, prev)
		first = false
		prev = append(prev[:0], k...)
		return unique
	})
	return unique, err
}

// Close frees the runs. The Sorter cannot be used after it.
func (s *Sorter) Close() error {
	var err error
	for _, r := range s.runs {
		err = errors.Join(err, r.close())
	}
	s.runs, s.arena, s.recs = nil, nil, nil
	return err
}

func (r *run) close() error {
	err := r.f.Close()
	if r.name != "" {
		err = errors.Join(err, os.Remove(r.name))
	}
	return err
}

// cursor reads a run a record at a time.
type cursor struct {
	r          *bufio.Reader
	left       int64  // bytes of the run not read
	rec        []byte // the current record's encoding
	key, value []byte
}

// next reads the next record; false at the end of the run.
func (c *cursor) next() (bool, error) {
	if c.left == 0 {
		return false, nil
	}
	kl, err := binary.ReadUvarint(c.r)
	if err != nil {
		return false, err
	}
	vl, err := binary.ReadUvarint(c.r)
	if err != nil {
		return false, err
	}
	h := uvarintLen(kl) + uvarintLen(vl)
	if kl > uint64(c.left) || vl > uint64(c.left) || int64(h)+int64(kl+vl) > c.left {
		return false, errors.New("record runs past the end of its run")
	}
	n := h + int(kl) + int(vl)
	c.rec = binary.AppendUvarint(binary.AppendUvarint(slices.Grow(c.rec[:0], n), kl), vl)
	c.rec = c.rec[:n]
	if _, err := io.ReadFull(c.r, c.rec[h:]); err != nil {
		return false, err
	}
	c.key, c.value = c.rec[h:h+int(kl)], c.rec[h+int(kl):]
	c.left -= int64(n)
	return true, nil
}

// merge calls emit with the records of runs in key order, those of an
// earlier run first among equal keys, until emit returns false.
func merge(runs []*run, emit func(raw, key, value []byte) bool) error {
	cs := make([]cursor, len(runs))
	live := make([]int, 0, len(runs)) // the cursors with a record, by run
	for i, r := range runs {
		cs[i] = cursor{r: bufio.NewReaderSize(io.NewSectionReader(r.f, 0, r.size), readBuf), left: r.size}
		ok, err := cs[i].next()
		if err != nil {
			return fmt.Errorf("extsort: read run: %w", err)
		}
		if ok {
			live = append(live, i)
		}
	}
	for len(live) > 0 {
		// Few runs are merged at once, so a scan for the least key is as
		// quick as a heap; live stays in run order, so the first of equal
		// keys wins.
		m := 0
		for j := 1; j < len(live); j++ {
			if bytes.Compare(cs[live[j]].key, cs[live[m]].key) < 0 {
				m = j
			}
		}
		c := &cs[live[m]]
		if !emit(c.rec, c.key, c.value) {
			return nil
		}
		ok, err := c.next()
		if err != nil {
			return fmt.Errorf("extsort: read run: %w", err)
		}
		if !ok {
			live = slices.Delete(live, m, m+1)
		}
	}
	return nil
}
