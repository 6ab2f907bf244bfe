package report

import (
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"path/filepath"
	"time"

	"github.com/billrun/billrun/extsort"
)

// DefaultSourcesLimit is the memory a SortedSources holds its sources in
// before it moves them to temporary files: about 30,000 VPS as billrun
// demo names them, so that smaller fleets never touch the disk, and
// a run over a million VPS still holds no more than this.
const DefaultSourcesLimit = 1 << 20

// SortedSources is a fleet's sources in name order, for runs over a
// whole fleet that keep nothing else per VPS (billrun usage streams its
// output). It holds at most about limit bytes of them in memory and the
// rest in unlinked temporary files (package extsort), so what a run
// holds does not grow with the fleet. Each source costs some 33 bytes
// as billrun demo names it (29 on disk): its name, its file relative to
// the directory it was added with, a byte saying which directory and
// daemon, and the lengths and offset; the directories and daemons (a configuration's rrd_dir and
// hosts) are held once, as are the time zones of From and Until.
//
// Add the sources, Sort once, then read them with All as often as
// needed (Unique says whether names repeat); Close removes the temporary
// files.
type SortedSources struct {
	sorter *extsort.Sorter
	bases  []listBase // the directories and daemons files are relative to
	last   int        // the base the last Add used
	zones  []*time.Location
	value  []byte // Add's encoding of a source, reused

	baseIndex map[listBase]int
	zoneIndex map[*time.Location]int
}

// listBase is what a source's file is relative to.
type listBase struct {
	dir    string // joined before the file (filepath.Join) when not ""
	daemon string // Source.Daemon
}

// NewSortedSources holds up to limit bytes of sources in memory (0:
// DefaultSourcesLimit) and the rest in temporary files in dir ("":
// os.TempDir()).
func NewSortedSources(dir string, limit int) *SortedSources {
	if limit <= 0 {
		limit = DefaultSourcesLimit
	}
	return &SortedSources{sorter: extsort.New(dir, limit)}
}

// A source's record is its name (the key) and, as its value,
//
//	uvarint  base (index in bases)
//	uvarint  len(file), then file
//	byte     bit 0: From follows, bit 1: Until follows
//	each     varint Unix seconds, uvarint nanoseconds, uvarint zone (index in zones)
const (
	hasFrom = 1 << iota
	hasUntil
)

// Add adds s. When dir is not "" the source's file is
// filepath.Join(dir, s.File), worked out when All reads it.
func (l *SortedSources) Add(s Source, dir string) error {
	// Sources come in runs with one base (a configuration has one
	// rrd_dir and a few hosts), so the last one found is tried first.
	b := listBase{dir: dir, daemon: s.Daemon}
	if l.last >= len(l.bases) || l.bases[l.last] != b {
		i, ok := l.baseIndex[b]
		if !ok {
			if l.baseIndex == nil {
				l.baseIndex = map[listBase]int{}
			}
			i = len(l.bases)
			l.bases = append(l.bases, b)
			l.baseIndex[b] = i
		}
		l.last = i
	}
	v := binary.AppendUvarint(l.value[:0], uint64(l.last))
	v = binary.AppendUvarint(v, uint64(len(s.File)))
	v = append(v, s.File...)
	var flags byte
	if !s.From.IsZero() {
		flags |= hasFrom
	}
	if !s.Until.IsZero() {
		flags |= hasUntil
	}
	v = append(v, flags)
	for _, t := range []time.Time{s.From, s.Until} {
		if !t.IsZero() {
			v = binary.AppendVarint(v, t.Unix())
			v = binary.AppendUvarint(v, uint64(t.Nanosecond()))
			v = binary.AppendUvarint(v, uint64(l.zone(t.Location())))
		}
	}
	l.value = v
	if err := l.sorter.Add([]byte(s.Name), v); err != nil {
		return fmt.Errorf("sort sources by name: %w", err)
	}
	return nil
}

// zone is loc's index in l.zones. A configuration's times are all in its
// one zone, so the table stays small.
func (l *SortedSources) zone(loc *time.Location) int {
	i, ok := l.zoneIndex[loc]
	if !ok {
		if l.zoneIndex == nil {
			l.zoneIndex = map[*time.Location]int{}
		}
		i = len(l.zones)
		l.zones = append(l.zones, loc)
		l.zoneIndex[loc] = i
	}
	return i
}

// Sort ends the adding and orders the sources by name, keeping the order
// of equal names.
func (l *SortedSources) Sort() error {
	if err := l.sorter.Sort(); err != nil {
		return fmt.Errorf("sort sources: %w", err)
	}
	return nil
}

// Unique says, after Sort, whether every name is different; it reads the
// sources once.
func (l *SortedSources) Unique() (bool, error) {
	unique, err := l.sorter.Unique()
	if err != nil {
		return false, fmt.Errorf("read sources: %w", err)
	}
	return unique, nil
}

// Len is the number of sources.
func (l *SortedSources) Len() int { return l.sorter.Len() }

// All yields the sources in name order, after Sort. It yields an error
// (and stops) only when a temporary file cannot be read back.
func (l *SortedSources) All() iter.Seq2[Source, error] {
	return func(yield func(Source, error) bool) {
		stopped := false
		err := l.sorter.Each(func(k, v []byte) bool {
			s, err := l.decode(k, v)
			stopped = !yield(s, err) || err != nil
			return !stopped
		})
		if err != nil && !stopped {
			yield(Source{}, fmt.Errorf("read sources: %w", err))
		}
	}
}

var errSourceRecord = errors.New("read sources: a malformed record")

// decode is the source of a record Add encoded.
func (l *SortedSources) decode(name, v []byte) (Source, error) {
	s := Source{Name: string(name)}
	base, n := binary.Uvarint(v)
	if n <= 0 || base >= uint64(len(l.bases)) {
		return Source{}, errSourceRecord
	}
	v = v[n:]
	flen, n := binary.Uvarint(v)
	if n <= 0 || flen >= uint64(len(v)-n) { // the flags byte follows
		return Source{}, errSourceRecord
	}
	v = v[n:]
	s.File, v = string(v[:flen]), v[flen:]
	flags := v[0]
	v = v[1:]
	for _, f := range []struct {
		bit byte
		t   *time.Time
	}{{hasFrom, &s.From}, {hasUntil, &s.Until}} {
		if flags&f.bit == 0 {
			continue
		}
		sec, n1 := binary.Varint(v)
		if n1 <= 0 {
			return Source{}, errSourceRecord
		}
		nsec, n2 := binary.Uvarint(v[n1:])
		if n2 <= 0 || nsec >= 1e9 {
			return Source{}, errSourceRecord
		}
		zone, n3 := binary.Uvarint(v[n1+n2:])
		if n3 <= 0 || zone >= uint64(len(l.zones)) {
			return Source{}, errSourceRecord
		}
		*f.t = time.Unix(sec, int64(nsec)).In(l.zones[zone])
		v = v[n1+n2+n3:]
	}
	b := l.bases[base]
	if b.dir != "" {
		s.File = filepath.Join(b.dir, s.File)
	}
	s.Daemon = b.daemon
	return s, nil
}

// Close removes the temporary files.
func (l *SortedSources) Close() error { return l.sorter.Close() }

// SourcesOf yields sources, in their order, as SortedSources.All does.
func SourcesOf(sources []Source) iter.Seq2[Source, error] {
	return func(yield func(Source, error) bool) {
		for _, s := range sources {
			if !yield(s, nil) {
				return
			}
		}
	}
}
