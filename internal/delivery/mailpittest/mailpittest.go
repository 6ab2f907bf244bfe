// Package mailpittest starts mailpit (github.com/axllent/mailpit, which
// make deps installs), a real SMTP server, for the tests: on loopback
// ports, relaying nothing and never checking for a newer version, so it
// reaches nothing beyond the machine. Its HTTP API gives the messages it
// received.
package mailpittest

import (
	"context"
	"encoding/json"
	"fmt"
	"go/build"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Server is a running mailpit.
type Server struct {
	SMTPPort int
	api      string
}

// Binary is mailpit's path: on $PATH or in $GOPATH/bin ("" for none).
func Binary() string {
	if bin, err := exec.LookPath("mailpit"); err == nil {
		return bin
	}
	if bin := filepath.Join(build.Default.GOPATH, "bin", "mailpit"); fileExists(bin) {
		return bin
	}
	return ""
}

// Start starts mailpit with args added, stopped when the test ends.
// Without mailpit the test is skipped, but fails under CI=true.
func Start(t testing.TB, args ...string) *Server {
	t.Helper()
	if Binary() == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("mailpit is not installed (make deps: go install github.com/axllent/mailpit@v1.33.1)")
		}
		t.Skip("no mailpit (make deps installs it)")
	}
	m, stop, err := Launch(t.TempDir(), args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return m
}

// Launch starts mailpit with args added, its database in dir, and waits
// at most 15 s for it to answer; stop ends it.
func Launch(dir string, args ...string) (m *Server, stop func(), err error) {
	bin := Binary()
	if bin == "" {
		return nil, nil, fmt.Errorf("mailpit is not installed (make deps: go install github.com/axllent/mailpit@v1.33.1)")
	}
	m = &Server{}
	var httpPort int
	if m.SMTPPort, err = freePort(); err == nil {
		httpPort, err = freePort()
	}
	if err != nil {
		return nil, nil, err
	}
	m.api = fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	args = append([]string{"--listen", fmt.Sprintf("127.0.0.1:%d", httpPort), "--smtp", fmt.Sprintf("127.0.0.1:%d", m.SMTPPort),
		"--disable-version-check", "--database", filepath.Join(dir, "mailpit.db"), "--quiet"}, args...)
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	stop = func() { cmd.Process.Kill(); cmd.Wait() }
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(m.api + "/api/v1/messages")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return m, stop, nil
			}
		}
		if time.Now().After(deadline) {
			stop()
			return nil, nil, fmt.Errorf("mailpit did not answer on %s within 15 s: %v", m.api, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// freePort is a loopback TCP port free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Received is a message mailpit holds: its headers' recipients and
// subject, and each attachment's bytes by file name.
type Received struct {
	MessageID   string
	Subject     string
	To, Cc      []string
	Text        string
	Attachments map[string][]byte
}

// Messages lists every message mailpit received, oldest first.
func (m *Server) Messages(t testing.TB) []Received {
	t.Helper()
	var list struct {
		Messages []struct{ ID string }
	}
	m.get(t, "/api/v1/messages?limit=5000", &list)
	var out []Received
	for i := len(list.Messages) - 1; i >= 0; i-- {
		var msg struct {
			MessageID, Subject, Text string
			To, Cc                   []struct{ Address string }
			Attachments              []struct{ PartID, FileName string }
		}
		id := list.Messages[i].ID
		m.get(t, "/api/v1/message/"+id, &msg)
		r := Received{MessageID: msg.MessageID, Subject: msg.Subject, Text: msg.Text, Attachments: map[string][]byte{}}
		for _, a := range msg.To {
			r.To = append(r.To, a.Address)
		}
		for _, a := range msg.Cc {
			r.Cc = append(r.Cc, a.Address)
		}
		for _, a := range msg.Attachments {
			r.Attachments[a.FileName] = m.raw(t, "/api/v1/message/"+id+"/part/"+a.PartID)
		}
		out = append(out, r)
	}
	return out
}

// Chaos sets mailpit's answer to MAIL FROM: code with probability 100,
// or none with code 0.
func (m *Server) Chaos(t testing.TB, code int) {
	t.Helper()
	if err := m.SetChaos(code); err != nil {
		t.Fatal(err)
	}
}

// SetChaos is Chaos for a caller without a testing.TB.
func (m *Server) SetChaos(code int) error {
	p := 100
	if code == 0 {
		code, p = 451, 0
	}
	body := fmt.Sprintf(`{"Sender": {"ErrorCode": %d, "Probability": %d}}`, code, p)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPut, m.api+"/api/v1/chaos", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("mailpit chaos: %s", resp.Status)
	}
	return nil
}

// Count is the number of messages mailpit holds.
func (m *Server) Count() (int, error) {
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(m.api + "/api/v1/messages?limit=1")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var list struct{ Total int }
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return 0, fmt.Errorf("mailpit: %w", err)
	}
	return list.Total, nil
}

func (m *Server) get(t testing.TB, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(m.raw(t, path), v); err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
}

func (m *Server) raw(t testing.TB, path string) []byte {
	t.Helper()
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(m.api + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("mailpit %s: %s %v", path, resp.Status, err)
	}
	return b
}

// Clear deletes every message mailpit holds.
func (m *Server) Clear(t testing.TB) {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodDelete, m.api+"/api/v1/messages", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("mailpit clear: %s", resp.Status)
	}
}
