package report

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/period"

	"github.com/billrun/billrun/internal/rrdcached"
	"github.com/billrun/billrun/internal/rrdcached/rrdcachedtest"
	"github.com/billrun/billrun/rrdfetch"
)

// openAny opens a source through its rrdcached when it names one, as
// billrun's jobs do.
func openAny(s Source) (Rows, error) {
	if s.Daemon != "" {
		return rrdcached.OpenRemote(context.Background(), s.Daemon, s.File) // the tests bound themselves
	}
	return rrdfetch.Open(s.File)
}

func copyFile(t testing.TB, src, dst string) {
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	out.Close()
}

// A fleet spread over two hosts, each file read through its host's real
// rrdcached (INFO + FETCH), gives exactly the figures of reading the same
// files locally.
func TestRemoteFleetEqualsLocal(t *testing.T) {
	addrA, baseA := rrdcachedtest.StartTCP(t)
	addrB, baseB := rrdcachedtest.StartTCP(t)
	copyFile(t, fx+"vps-full/file.rrd", filepath.Join(baseA, "a.rrd"))
	copyFile(t, fx+"vps-parts/file.rrd", filepath.Join(baseA, "parts.rrd"))
	copyFile(t, fx+"vps-young/file.rrd", filepath.Join(baseB, "b.rrd"))
	copyFile(t, fx+"host-a/file.rrd", filepath.Join(baseA, "uptime.rrd"))
	copyFile(t, fx+"host-b/file.rrd", filepath.Join(baseB, "uptime.rrd"))
	remote := []Source{{Name: "a", File: "a.rrd", Daemon: addrA}, {Name: "parts", File: "parts.rrd", Daemon: addrA}, {Name: "b", File: "b.rrd", Daemon: addrB}}
	local := []Source{{Name: "a", File: filepath.Join(baseA, "a.rrd")}, {Name: "parts", File: filepath.Join(baseA, "parts.rrd")}, {Name: "b", File: filepath.Join(baseB, "b.rrd")}}
	p := oct2026(t, "Europe/Berlin")
	ru, err := Usage(context.Background(), remote, p, billingMetrics(), Options{Daily: true, Open: openAny})
	if err != nil {
		t.Fatal(err)
	}
	lu, _ := Usage(context.Background(), local, p, billingMetrics(), Options{Daily: true})
	if len(ru.Errors) != 0 || len(ru.VPS) != 3 {
		t.Fatalf("remote errors %+v", ru.Errors)
	}
	for i := range ru.VPS {
		r, l := ru.VPS[i], lu.VPS[i]
		if !reflect.DeepEqual(r.Metrics, l.Metrics) || !reflect.DeepEqual(r.P95, l.P95) || !reflect.DeepEqual(r.RRA, l.RRA) || !reflect.DeepEqual(r.Daily, l.Daily) {
			t.Errorf("%s: remote %+v %+v\nlocal %+v %+v", r.Name, r.Metrics, r.RRA, l.Metrics, l.RRA)
		}
	}
	rs, _ := SLA(context.Background(), []Source{{Name: "ha", File: "uptime.rrd", Daemon: addrA}, {Name: "hb", File: "uptime.rrd", Daemon: addrB}}, p, DefaultThreshold, Options{Open: openAny})
	ls, _ := SLA(context.Background(), []Source{{Name: "ha", File: filepath.Join(baseA, "uptime.rrd")}, {Name: "hb", File: filepath.Join(baseB, "uptime.rrd")}}, p, DefaultThreshold, Options{})
	if rs.Fleet.UptimePct != ls.Fleet.UptimePct || rs.Hosts[1].Coverage != ls.Hosts[1].Coverage || len(rs.Hosts[0].Degraded) != len(ls.Hosts[0].Degraded) {
		t.Errorf("remote SLA %+v, local %+v", rs.Fleet, ls.Fleet)
	}
	// a file the daemon does not have is an error naming it and the daemon
	bad, _ := Usage(context.Background(), []Source{{Name: "x", File: "nosuch.rrd", Daemon: addrB}}, p, billingMetrics(), Options{Open: openAny})
	if len(bad.Errors) != 1 || !contains(bad.Errors[0].Error, "nosuch.rrd") || !contains(bad.Errors[0].Error, addrB) {
		t.Errorf("errors %+v", bad.Errors)
	}
	// without an opener, report reads no remote file: it says so
	none, _ := Usage(context.Background(), remote[:1], p, billingMetrics(), Options{})
	if len(none.Errors) != 1 || !contains(none.Errors[0].Error, "no opener") || !contains(none.Errors[0].Error, addrA) {
		t.Errorf("no opener: errors %+v", none.Errors)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// BenchmarkRemote measures usage through one rrdcached (TCP loopback)
// next to reading the same files locally: the per-daemon throughput.
func BenchmarkRemote(b *testing.B) {
	addr, base := rrdcachedtest.StartTCP(b)
	var remote, local []Source
	for i := range 50 {
		name := fmt.Sprintf("v%02d.rrd", i)
		copyFile(b, fx+"vps-full/file.rrd", filepath.Join(base, name))
		remote = append(remote, Source{Name: name, File: name, Daemon: addr})
		local = append(local, Source{Name: name, File: filepath.Join(base, name)})
	}
	p := period.Month(2026, 10, time.UTC)
	for _, c := range []struct {
		name string
		src  []Source
	}{{"rrdcached-fetch", remote}, {"local-file", local}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				u, _ := Usage(context.Background(), c.src, p, DefaultMetrics(), Options{Open: openAny})
				if len(u.Errors) > 0 {
					b.Fatal(u.Errors)
				}
			}
			b.ReportMetric(float64(len(c.src)*b.N)/b.Elapsed().Seconds(), "files/s")
		})
	}
}
