package report

import (
	"bytes"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"time"
)

// SourceList is a list of sources held compactly, for runs over a whole
// fleet that keep nothing else per VPS (billrun usage streams its
// output). A []Source costs some 170 bytes per VPS: 96 for the struct
// and two strings, the file's with its directory spelled out again. A
// SourceList keeps each name and file back to back in one byte slice,
// the directory a file is relative to once for all of them, and 20
// bytes of offsets per source: 44 bytes per VPS as billrun demo
// names them, so the list is smaller than the configuration that names
// the fleet.
//
// At builds a source's Source (its strings) when it is read, so what a
// list holds never grows with the work done on it.
type SourceList struct {
	text  []byte         // each source's name, then its file
	items []listItem     // in list order
	bases []listBase     // the directories and daemons files are relative to
	spans [][2]time.Time // From and Until, for the sources that have either
	last  int            // the base the last Add used

	baseIndex map[listBase]int
}

type listItem struct {
	off, nameLen, fileLen uint32 // name at text[off:], the file right after it
	base                  uint32 // index in bases
	span                  uint32 // spans[span-1]; 0: neither From nor Until
}

// listBase is what a file's name in text is relative to.
type listBase struct {
	dir    string // joined before the name (filepath.Join) when not ""
	daemon string // Source.Daemon
}

// ListOf is a SourceList of sources, in their order.
func ListOf(sources []Source) (*SourceList, error) {
	l := &SourceList{}
	for _, s := range sources {
		if err := l.Add(s, ""); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// ErrListFull is returned by Add when a list's names and files would
// pass 4 GiB, some hundred million VPS, which its offsets cannot address.
var ErrListFull = errors.New("report: more than 4 GiB of source names")

// Add appends s. When dir is not "" the source's file is
// filepath.Join(dir, s.File), worked out when At reads it; dir is held
// once for every source added with it (as is s.Daemon).
func (l *SourceList) Add(s Source, dir string) error {
	if int64(len(l.text))+int64(len(s.Name))+int64(len(s.File)) > math.MaxUint32 {
		return ErrListFull
	}
	it := listItem{off: uint32(len(l.text)), nameLen: uint32(len(s.Name)), fileLen: uint32(len(s.File))}
	l.text = append(append(l.text, s.Name...), s.File...)
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
	it.base = uint32(l.last)
	if !s.From.IsZero() || !s.Until.IsZero() {
		l.spans = append(l.spans, [2]time.Time{s.From, s.Until})
		it.span = uint32(len(l.spans))
	}
	l.items = append(l.items, it)
	return nil
}

// Len is the number of sources.
func (l *SourceList) Len() int { return len(l.items) }

// At is the i-th source.
func (l *SourceList) At(i int) Source {
	it := l.items[i]
	end := it.off + it.nameLen
	s := Source{Name: string(l.text[it.off:end]), File: string(l.text[end : end+it.fileLen])}
	b := l.bases[it.base]
	if b.dir != "" {
		s.File = filepath.Join(b.dir, s.File)
	}
	s.Daemon = b.daemon
	if it.span > 0 {
		s.From, s.Until = l.spans[it.span-1][0], l.spans[it.span-1][1]
	}
	return s
}

func (l *SourceList) name(it listItem) []byte { return l.text[it.off : it.off+it.nameLen] }

// SortByName orders the sources by name, keeping the order of equal
// names, and says whether every name is different.
func (l *SourceList) SortByName() (unique bool) {
	slices.SortStableFunc(l.items, func(a, b listItem) int { return bytes.Compare(l.name(a), l.name(b)) })
	for i := 1; i < len(l.items); i++ {
		if bytes.Equal(l.name(l.items[i-1]), l.name(l.items[i])) {
			return false
		}
	}
	return true
}

// Keep drops the sources keep says no to, keeping the others' order.
func (l *SourceList) Keep(keep func(Source) bool) {
	kept := l.items[:0]
	for i, it := range l.items {
		if keep(l.At(i)) {
			kept = append(kept, it)
		}
	}
	clear(l.items[len(kept):])
	l.items = kept
}

// Slice is the sources as a []Source, for the reports that hold every
// result anyway (SLA, the usage table).
func (l *SourceList) Slice() []Source {
	out := make([]Source, l.Len())
	for i := range out {
		out[i] = l.At(i)
	}
	return out
}
