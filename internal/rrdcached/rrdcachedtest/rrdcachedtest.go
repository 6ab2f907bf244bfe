// Package rrdcachedtest starts a real rrdcached (Debian package rrdcached)
// for tests: in the foreground, on a socket in a temporary directory, with
// a write timeout of an hour so updates stay queued until flushed, killed
// when the test ends.
package rrdcachedtest

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Binary finds rrdcached; without it the test fails in CI and is skipped
// elsewhere.
func Binary(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"rrdcached", "/usr/sbin/rrdcached", "/usr/bin/rrdcached"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("rrdcached is required in CI: apt-get install rrdcached")
	}
	t.Skip("rrdcached not installed")
	return ""
}

// Start runs rrdcached on a unix socket; it returns the address
// ("unix:/…/sock") and the base directory the daemon serves.
func Start(t testing.TB) (addr, baseDir string) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "rrdcached.sock")
	start(t, dir, "unix:"+sock, func() bool {
		c, err := net.Dial("unix", sock)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return "unix:" + sock, filepath.Join(dir, "base")
}

// StartTCP runs rrdcached on a free port of 127.0.0.1.
func StartTCP(t testing.TB) (addr, baseDir string) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = l.Addr().String()
	l.Close()
	dir := t.TempDir()
	start(t, dir, addr, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return addr, filepath.Join(dir, "base")
}

func start(t testing.TB, dir, listen string, up func() bool) {
	t.Helper()
	bin := Binary(t)
	base := filepath.Join(dir, "base")
	journal := filepath.Join(dir, "journal")
	for _, d := range []string{base, journal} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, "-g", "-l", listen, "-b", base, "-B", "-F",
		"-w", "3600", "-z", "0", "-f", "7200", "-p", filepath.Join(dir, "pid"), "-j", journal)
	logf, _ := os.Create(filepath.Join(dir, "rrdcached.log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		logf.Close()
	})
	for i := 0; ; i++ {
		if up() {
			return
		}
		if i > 200 {
			b, _ := os.ReadFile(filepath.Join(dir, "rrdcached.log"))
			t.Fatalf("rrdcached did not start on %s:\n%s", listen, b)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// Update sends "rrdtool update --daemon addr file values…".
func Update(t testing.TB, addr, file string, values ...string) {
	t.Helper()
	out, err := exec.Command("rrdtool", append([]string{"update", "--daemon", addr, file}, values...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("rrdtool update --daemon %s %s: %v\n%s", addr, file, err, out)
	}
}
