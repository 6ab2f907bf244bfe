package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"sort"
)

// UnmarshalJSON reads a number, or null as "no data" (NaN).
func (n *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Num(math.NaN())
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = Num(f)
	return nil
}

// UnmarshalJSON reads the metrics object keeping its order.
func (ms *Metrics) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("metrics: want an object")
	}
	*ms = (*ms)[:0]
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := t.(string)
		var m MetricUsage
		if err := dec.Decode(&m); err != nil {
			return fmt.Errorf("metrics.%s: %w", name, err)
		}
		m.Name = name
		*ms = append(*ms, m)
	}
	return nil
}

// ReadUsage reads a `billrun usage` JSON document.
func ReadUsage(r io.Reader) (*UsageReport, error) {
	var u UsageReport
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&u); err != nil {
		return nil, err
	}
	if u.VPS == nil {
		u.VPS = []VPSUsage{}
	}
	if u.Errors == nil {
		u.Errors = []FileError{}
	}
	return &u, nil
}

// InShard reports whether the VPS named name belongs to shard k of n
// (1 <= k <= n): FNV-1a of the name modulo n, so a VPS's shard does not
// depend on which other VPS a node lists.
func InShard(name string, k, n int) bool {
	h := fnv.New32a()
	h.Write([]byte(name))
	return int(h.Sum32()%uint32(n)) == k-1
}

// MergeUsage joins partial usage reports of one period (shards) into the
// report a single run over all their files gives: VPS by name, errors by
// file. A VPS in two parts, or parts of different periods, is an error.
func MergeUsage(parts []*UsageReport) (*UsageReport, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("nothing to merge")
	}
	out := &UsageReport{Period: parts[0].Period, VPS: []VPSUsage{}, Errors: []FileError{}}
	seen := map[string]int{}
	for i, p := range parts {
		if p.Period != out.Period {
			return nil, fmt.Errorf("part %d is for %s–%s, part 1 for %s–%s", i+1, p.Period.Start, p.Period.End, out.Period.Start, out.Period.End)
		}
		for _, v := range p.VPS {
			if j, dup := seen[v.Name]; dup {
				return nil, fmt.Errorf("VPS %s is in parts %d and %d", v.Name, j+1, i+1)
			}
			seen[v.Name] = i
			out.VPS = append(out.VPS, v)
		}
		out.Errors = append(out.Errors, p.Errors...)
	}
	sort.SliceStable(out.VPS, func(a, b int) bool { return out.VPS[a].Name < out.VPS[b].Name })
	sort.SliceStable(out.Errors, func(a, b int) bool { return out.Errors[a].File < out.Errors[b].File })
	return out, nil
}
