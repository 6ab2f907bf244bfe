// Command readfloor measures the read-bandwidth floor of a billing period:
// reading, like cat, exactly the bytes billrun needs from each file (its
// header and the rows of the period in the RRA that serves it) and
// nothing else.
//
//	readfloor plan START END FILE... > ranges   # untimed: where the bytes are
//	readfloor read < ranges                     # timed: pread them, one file after another
//
// The plan takes the finest AVERAGE RRA whose rows cover (START, END], as
// billrun does for a period one RRA covers, and lists the header and the
// one or two row ranges (the ring may wrap) as "FILE OFFSET LENGTH" lines.
// It is a benchmark tool (bench/run.sh), not part of billrun.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/billrun/billrun/rrdfetch"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "readfloor:", err)
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) >= 3 && args[0] == "plan" {
		start, err1 := strconv.ParseInt(args[1], 10, 64)
		end, err2 := strconv.ParseInt(args[2], 10, 64)
		if err1 != nil || err2 != nil || end <= start {
			return fmt.Errorf("plan: START and END must be epoch seconds, START < END")
		}
		w := bufio.NewWriter(stdout)
		for _, name := range args[3:] {
			if err := plan(w, name, start, end); err != nil {
				return err
			}
		}
		return w.Flush()
	}
	if len(args) == 1 && args[0] == "read" {
		n, err := read(stdin)
		fmt.Fprintf(os.Stderr, "readfloor: %d bytes read\n", n)
		return err
	}
	return fmt.Errorf("usage: readfloor plan START END FILE... | readfloor read < ranges")
}

func plan(w io.Writer, name string, start, end int64) error {
	f, err := rrdfetch.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	h := f.Header()
	rra := -1
	for i, r := range h.RRA {
		first, last := h.RRACoverage(i)
		s := h.RRAStep(i)
		if r.CF == "AVERAGE" && first <= start+s && last >= end && (rra < 0 || s < h.RRAStep(rra)) {
			rra = i
		}
	}
	if rra < 0 {
		return fmt.Errorf("%s: no AVERAGE RRA covers the period", name)
	}
	fmt.Fprintf(w, "%s 0 %d\n", name, h.HeaderSize)
	rowBytes := int64(len(h.DS)) * 8
	base := h.HeaderSize
	for i := range rra {
		base += int64(h.RRA[i].Rows) * rowBytes
	}
	r := h.RRA[rra]
	rows, s := int64(r.Rows), h.RRAStep(rra)
	_, last := h.RRACoverage(rra)
	t0 := start - start%s + s // the first row stamped after start
	n := (end-t0)/s + 1
	if end%s != 0 {
		n++ // the row that ends after END still counts in part
	}
	idx := ((int64(r.CurRow)-(last-t0)/s)%rows + rows) % rows
	first := min(n, rows-idx)
	fmt.Fprintf(w, "%s %d %d\n", name, base+idx*rowBytes, first*rowBytes)
	if n > first {
		fmt.Fprintf(w, "%s %d %d\n", name, base, (n-first)*rowBytes)
	}
	return nil
}

// read preads every range into one buffer, opening each file once.
func read(in io.Reader) (int64, error) {
	sc := bufio.NewScanner(in)
	buf := make([]byte, 1<<20)
	var f *os.File
	var total int64
	for sc.Scan() {
		var name string
		var off, n int64
		if _, err := fmt.Sscan(sc.Text(), &name, &off, &n); err != nil {
			return total, fmt.Errorf("bad range line %q: %v", sc.Text(), err)
		}
		if f == nil || f.Name() != name {
			if f != nil {
				f.Close()
			}
			var err error
			if f, err = os.Open(name); err != nil {
				return total, err
			}
		}
		for n > 0 {
			k := min(n, int64(len(buf)))
			m, err := f.ReadAt(buf[:k], off)
			total += int64(m)
			if err != nil {
				return total, err
			}
			off, n = off+int64(m), n-int64(m)
		}
	}
	if f != nil {
		f.Close()
	}
	return total, sc.Err()
}
