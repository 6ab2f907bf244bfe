package export

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/billrun/billrun/report"
)

// appendEntry writes what encoding/json writes for the entry, byte for
// byte: names that need escaping, HTML characters, invalid UTF-8, floats
// in both notations, NaN and ±Inf, no p95, nil and empty lists, daily
// series.
func TestEntryMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	strs := []string{"", "vps00017", "Müller & Söhne <GmbH>", "a\"b\\c", "tab\there\nnl", "\u2028\u2029", "bad\xffutf8", `\u0026`, "vps/../x.rrd", "日本"}
	nums := []float64{0, math.Copysign(0, -1), 1, -1, 1e-7, 1e-6, 123456.789, 1e20, 1e21, 1.5e300, 5e-324, math.NaN(), math.Inf(1), math.Inf(-1), 0.9917114695340502}
	num := func() report.Num {
		if r.IntN(3) == 0 {
			return report.Num(nums[r.IntN(len(nums))])
		}
		return report.Num(r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-20)))
	}
	for i := range 3000 {
		v := &report.VPSUsage{Name: strs[r.IntN(len(strs))], File: strs[r.IntN(len(strs))], Step: r.Int64N(1e6), LastUpdate: r.Int64() - r.Int64()}
		for range r.IntN(4) {
			v.Metrics = append(v.Metrics, report.MetricUsage{Name: strs[r.IntN(len(strs))], Total: num(), Coverage: num(), Spikes: r.IntN(100)})
		}
		if r.IntN(4) == 0 {
			v.Metrics = report.Metrics{}
		}
		if r.IntN(3) > 0 {
			v.P95 = &report.P95{In: num(), Out: num(), Max: num()}
		}
		switch r.IntN(3) {
		case 0:
			v.RRA = []report.Part{}
		case 1:
			for range 1 + r.IntN(3) {
				v.RRA = append(v.RRA, report.Part{RRA: r.IntN(5), PDPPerRow: r.Int64N(100), Step: r.Int64N(1e5), From: r.Int64(), To: -r.Int64()})
			}
		}
		if r.IntN(3) == 0 {
			for range r.IntN(3) {
				v.Daily = append(v.Daily, report.DailyBytes{Day: strs[r.IntN(len(strs))], In: num(), Out: num()})
			}
		}
		want, err := indented("    ", v)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendEntry(nil, v); !bytes.Equal(got, want) {
			t.Fatalf("entry %d differs:\ngot  %s\nwant %s", i, got, want)
		}
	}
}
