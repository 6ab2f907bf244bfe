package rrdcached

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/billrun/billrun/rrdfetch"
)

// maxFetchValues bounds a FETCH answer before its rows are kept.
const maxFetchValues = 1 << 26

// Fetch asks the daemon for rows (rrdcached 1.7.2's FETCH: it flushes the
// file first, picks the finest RRA that covers start, ignoring any
// resolution, and prints exact doubles with %0.17e, "nan"/"-nan" for
// unknown). The file name is relative to the daemon's base directory over
// TCP.
func (c *Client) Fetch(ctx context.Context, file, cf string, start, end int64) (*rrdfetch.Data, error) {
	p, err := c.path(file)
	if err != nil {
		return nil, err
	}
	_, lines, err := c.command(ctx, fmt.Sprintf("FETCH %s %s %d %d", p, cf, start, end))
	if err != nil {
		var se *ServerError
		if errors.As(err, &se) {
			se.File = file
		}
		return nil, err
	}
	d, err := parseFetch(lines)
	if err != nil {
		return nil, fmt.Errorf("%s: rrdcached %s: FETCH answer: %w", file, c.addr, err)
	}
	return d, nil
}

// parseFetch reads "Key: value" header lines, then "%10lu: v v …" rows.
func parseFetch(lines []string) (*rrdfetch.Data, error) {
	d := &rrdfetch.Data{}
	var nds int
	i := 0
	for ; i < len(lines); i++ {
		k, v, ok := strings.Cut(lines[i], ": ")
		if !ok || strings.TrimSpace(k) == "" || (k[0] >= '0' && k[0] <= '9') || k[0] == ' ' {
			break
		}
		var err error
		switch k {
		case "Start":
			d.Start, err = strconv.ParseInt(v, 10, 64)
		case "End":
			d.End, err = strconv.ParseInt(v, 10, 64)
		case "Step":
			d.Step, err = strconv.ParseInt(v, 10, 64)
		case "DSCount":
			nds, err = strconv.Atoi(v)
		case "DSName":
			d.DSNames = strings.Fields(v)
		}
		if err != nil {
			return nil, fmt.Errorf("header %q: %v", lines[i], err)
		}
	}
	if d.Step <= 0 || nds <= 0 || nds != len(d.DSNames) || d.End < d.Start {
		return nil, fmt.Errorf("inconsistent header (step %d, %d DS, names %v)", d.Step, nds, d.DSNames)
	}
	rows := lines[i:]
	if int64(len(rows))*int64(nds) > maxFetchValues {
		return nil, fmt.Errorf("%d rows of %d values is too many", len(rows), nds)
	}
	d.Values = make([]float64, 0, len(rows)*nds)
	for r, l := range rows {
		ts, vals, ok := strings.Cut(l, ":")
		if !ok {
			return nil, fmt.Errorf("row %q", l)
		}
		t, err := strconv.ParseInt(strings.TrimSpace(ts), 10, 64)
		if err != nil || t != d.Start+int64(r+1)*d.Step {
			return nil, fmt.Errorf("row %d stamped %q, want %d", r, ts, d.Start+int64(r+1)*d.Step)
		}
		f := strings.Fields(vals)
		if len(f) != nds {
			return nil, fmt.Errorf("row %d has %d values, want %d", r, len(f), nds)
		}
		for _, s := range f {
			v, err := parseValue(s)
			if err != nil {
				return nil, fmt.Errorf("row %d: %v", r, err)
			}
			d.Values = append(d.Values, v)
		}
	}
	return d, nil
}

// parseValue reads printf's %e output, including "nan", "-nan", "inf"
// and "-inf" (which strconv does not all accept), keeping NaN's sign.
func parseValue(s string) (float64, error) {
	switch s {
	case "nan":
		return math.Float64frombits(0x7ff8000000000000), nil
	case "-nan":
		return math.Float64frombits(0xfff8000000000000), nil
	case "inf":
		return math.Inf(1), nil
	case "-inf":
		return math.Inf(-1), nil
	}
	return strconv.ParseFloat(s, 64)
}

// Header asks the daemon for the file's header (INFO), as far as billing
// needs it: step, last update, data sources and RRA definitions.
func (c *Client) Header(ctx context.Context, file string) (*rrdfetch.Header, error) {
	p, err := c.path(file)
	if err != nil {
		return nil, err
	}
	_, lines, err := c.command(ctx, "INFO "+p)
	if err != nil {
		var se *ServerError
		if errors.As(err, &se) {
			se.File = file
		}
		return nil, err
	}
	h, err := parseInfo(lines)
	if err != nil {
		return nil, fmt.Errorf("%s: rrdcached %s: INFO answer: %w", file, c.addr, err)
	}
	return h, nil
}

// parseInfo reads "key type value" lines.
func parseInfo(lines []string) (*rrdfetch.Header, error) {
	h := &rrdfetch.Header{}
	dsIndex := map[string]int{}
	for _, l := range lines {
		key, rest, ok := strings.Cut(l, " ")
		if !ok {
			continue
		}
		_, val, _ := strings.Cut(rest, " ")
		num := func() (uint64, error) { return strconv.ParseUint(val, 10, 64) }
		var err error
		switch {
		case key == "step":
			h.Step, err = num()
		case key == "last_update":
			var u uint64
			u, err = num()
			h.LastUpdate = int64(u)
		case key == "rrd_version":
			h.VersionString = val
		case strings.HasPrefix(key, "ds[") && strings.HasSuffix(key, "].index"):
			name := key[3 : len(key)-len("].index")]
			dsIndex[name] = len(h.DS)
			h.DS = append(h.DS, rrdfetch.DS{Name: name})
		case strings.HasPrefix(key, "rra["):
			idx, field, ok := strings.Cut(key[4:], "].")
			if !ok || strings.Contains(field, "cdp_prep") {
				continue
			}
			i, err := strconv.Atoi(idx)
			if err != nil || i < 0 || i > 1<<16 {
				return nil, fmt.Errorf("bad key %q", key)
			}
			for len(h.RRA) <= i {
				h.RRA = append(h.RRA, rrdfetch.RRA{})
			}
			switch field {
			case "cf":
				h.RRA[i].CF = val
			case "rows":
				h.RRA[i].Rows, err = num()
			case "pdp_per_row":
				h.RRA[i].PDPPerRow, err = num()
			case "cur_row":
				h.RRA[i].CurRow, err = num()
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%q: %v", l, err)
		}
	}
	if h.Step == 0 || len(h.DS) == 0 || len(h.RRA) == 0 {
		return nil, errors.New("no step, data sources or RRAs")
	}
	for i, r := range h.RRA {
		if r.Rows == 0 || r.PDPPerRow == 0 {
			return nil, fmt.Errorf("rra[%d] has no rows or pdp_per_row", i)
		}
	}
	return h, nil
}
