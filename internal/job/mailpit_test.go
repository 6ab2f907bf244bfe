package job

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

// mailpit is a real SMTP server for the tests: github.com/axllent/mailpit
// (make deps installs it), on loopback ports, relaying nothing and never
// checking for a newer version, so it reaches nothing beyond the machine.
type mailpit struct {
	smtpPort int
	api      string
}

// startMailpit starts mailpit with args added, stopped when the test
// ends. Without mailpit the test is skipped, but fails under CI=true.
func startMailpit(t *testing.T, args ...string) *mailpit {
	t.Helper()
	bin, err := exec.LookPath("mailpit")
	if err != nil {
		if gobin := filepath.Join(build.Default.GOPATH, "bin", "mailpit"); fileExists(gobin) {
			bin = gobin
		} else if os.Getenv("CI") == "true" {
			t.Fatal("mailpit is not installed (make deps: go install github.com/axllent/mailpit@v1.33.1)")
		} else {
			t.Skip("no mailpit (make deps installs it)")
		}
	}
	m := &mailpit{smtpPort: freePort(t)}
	httpPort := freePort(t)
	m.api = fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	args = append([]string{"--listen", fmt.Sprintf("127.0.0.1:%d", httpPort), "--smtp", fmt.Sprintf("127.0.0.1:%d", m.smtpPort),
		"--disable-version-check", "--database", filepath.Join(t.TempDir(), "mailpit.db"), "--quiet"}, args...)
	cmd := exec.Command(bin, args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(m.api + "/api/v1/messages")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit did not answer on %s within 15 s: %v", m.api, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// freePort is a loopback TCP port free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// received is a message mailpit holds: its headers' recipients and
// subject, and each attachment's bytes by file name.
type received struct {
	MessageID   string
	Subject     string
	To, Cc      []string
	Text        string
	Attachments map[string][]byte
}

// messages lists every message mailpit received, oldest first.
func (m *mailpit) messages(t *testing.T) []received {
	t.Helper()
	var list struct {
		Messages []struct{ ID string }
	}
	m.get(t, "/api/v1/messages?limit=5000", &list)
	var out []received
	for i := len(list.Messages) - 1; i >= 0; i-- {
		var msg struct {
			MessageID, Subject, Text string
			To, Cc                   []struct{ Address string }
			Attachments              []struct{ PartID, FileName string }
		}
		id := list.Messages[i].ID
		m.get(t, "/api/v1/message/"+id, &msg)
		r := received{MessageID: msg.MessageID, Subject: msg.Subject, Text: msg.Text, Attachments: map[string][]byte{}}
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

// chaos sets mailpit's answer to MAIL FROM: code with probability 100,
// or none with code 0.
func (m *mailpit) chaos(t *testing.T, code int) {
	t.Helper()
	p := 100
	if code == 0 {
		code, p = 451, 0
	}
	body := fmt.Sprintf(`{"Sender": {"ErrorCode": %d, "Probability": %d}}`, code, p)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPut, m.api+"/api/v1/chaos", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("mailpit chaos: %s", resp.Status)
	}
}

func (m *mailpit) get(t *testing.T, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(m.raw(t, path), v); err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
}

func (m *mailpit) raw(t *testing.T, path string) []byte {
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

// clear deletes every message mailpit holds.
func (m *mailpit) clear(t *testing.T) {
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
