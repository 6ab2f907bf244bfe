package job

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/state"
	"github.com/shopspring/decimal"
)

// issuedForSending is a register with an invoice for each customer and,
// after a new price, a correction (credit note and replacement) for
// each: six documents, four messages. Customer B has a copy to a second
// address. The mail server is m's, in plain text on loopback.
func issuedForSending(t *testing.T, m *mailpit) SendOptions {
	t.Helper()
	o, _ := setup(t, "")
	o.Now = issueDay
	ctx := context.Background()
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	if _, err := Issue(ctx, issueOpts(o)); err != nil {
		t.Fatal(err)
	}
	o.Config.Plans[0].MonthlyFee = decimal.RequireFromString("12.00")
	o.Config.Plans[1].MonthlyFee = decimal.RequireFromString("1600")
	o.Reprice = true
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	if res, err := Issue(ctx, issueOpts(o)); err != nil || len(res.Issued) != 4 {
		t.Fatalf("corrections: %v", err)
	}
	cfg := o.Config
	cfg.Customers[0].Email = "ap@a.example"
	cfg.Customers[1].Email, cfg.Customers[1].EmailCC = "billing@b.example", []string{"cfo@b.example"}
	cfg.Send = config.SendSettings{From: "billing@openvps.example", RetryForDuration: 48 * time.Hour}
	if m != nil {
		cfg.SMTP = &config.SMTP{Host: "127.0.0.1", Port: m.smtpPort, TLS: config.TLSNone}
	}
	return SendOptions{Config: cfg, Now: issueDay, Backoff: time.Millisecond}
}

// documentsOf are the register's issued documents by number.
func documentsOf(t *testing.T, o SendOptions) map[string]state.Document {
	t.Helper()
	reg, err := state.OpenFor(context.Background(), StateDir(o.Config, o.Config.OutDir), IssuedDir(o.Config))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	docs, err := reg.Documents(context.Background(), state.DocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]state.Document{}
	for _, d := range docs {
		out[d.Number] = d
	}
	return out
}

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// checkAttached fails unless each attachment is a document's PDF or XML
// as the register issued it, byte for byte.
func checkAttached(t *testing.T, what string, att map[string][]byte, docs map[string]state.Document) {
	t.Helper()
	for name, b := range att {
		d, ok := docs[strings.TrimSuffix(strings.TrimSuffix(name, ".pdf"), ".xml")]
		want := d.PDFSHA256
		if strings.HasSuffix(name, ".xml") {
			want = d.XMLSHA256
		}
		if !ok || sha(b) != want {
			t.Errorf("%s: attachment %s: SHA-256 %s, the register issued %q", what, name, sha(b), want)
		}
	}
}

// Every issued document reaches its customer once, a correction's two
// in one message, with the files the register issued; a second send
// sends nothing; --dry-run writes the same messages as .eml files.
func TestSendDeliversOnce(t *testing.T) {
	m := startMailpit(t)
	o := issuedForSending(t, m)
	ctx := context.Background()
	docs := documentsOf(t, o)
	dry := o
	dry.DryRun, dry.Out = true, t.TempDir()
	res, err := Send(ctx, dry)
	if err != nil || len(res.Written) != 4 {
		t.Fatalf("dry run: %+v %v", res, err)
	}
	emls := map[string]map[string][]byte{}
	for _, f := range res.Written {
		emls[filepath.Base(f)] = emlAttachments(t, f)
	}
	res, err = Send(ctx, o)
	if err != nil || len(res.Sent) != 4 || len(res.Retry)+len(res.Failed)+len(res.Uncertain) != 0 {
		t.Fatalf("send: %+v %v", res, err)
	}
	got := m.messages(t)
	if len(got) != 4 {
		t.Fatalf("mailpit received %d messages, want 4", len(got))
	}
	for _, r := range got {
		var names []string
		for n := range r.Attachments {
			names = append(names, strings.TrimSuffix(strings.TrimSuffix(n, ".pdf"), ".xml"))
		}
		slices.Sort(names)
		names = slices.Compact(names)
		checkAttached(t, r.Subject, r.Attachments, docs)
		eml := emls[strings.Join(names, "+")+".eml"]
		if len(eml) != len(r.Attachments) {
			t.Errorf("%s: the .eml has %d attachments, mailpit %d", r.Subject, len(eml), len(r.Attachments))
		}
		for n, b := range r.Attachments {
			if !bytes.Equal(eml[n], b) {
				t.Errorf("%s: %s differs between the .eml and what mailpit received", r.Subject, n)
			}
		}
		b := strings.Contains(r.To[0], "b.example")
		if b != (len(r.Cc) == 1 && r.Cc[0] == "cfo@b.example") {
			t.Errorf("%s: to %v, cc %v", r.Subject, r.To, r.Cc)
		}
		if len(names) == 2 && !strings.HasPrefix(r.Subject, "Correction of invoice ") {
			t.Errorf("a correction's subject: %q", r.Subject)
		}
	}
	res, err = Send(ctx, o)
	if err != nil || len(res.Sent) != 0 || len(m.messages(t)) != 4 {
		t.Fatalf("second send: %+v %v", res, err)
	}
	v, err := Verify(ctx, VerifyOptions{Config: o.Config})
	if err != nil || len(v.Problems) != 0 {
		t.Fatalf("verify: %+v %v", v, err)
	}
}

// emlAttachments parses an .eml file with net/mail and returns its
// attachments by file name.
func emlAttachments(t *testing.T, path string) map[string][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	msg, err := mail.ReadMessage(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if msg.Header.Get("Message-Id") == "" || msg.Header.Get("Date") == "" {
		t.Errorf("%s: no Message-ID or Date", path)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := map[string][]byte{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if p.FileName() == "" {
			continue
		}
		b, err := io.ReadAll(base64Reader(p))
		if err != nil {
			t.Fatalf("%s: %s: %v", path, p.FileName(), err)
		}
		out[p.FileName()] = b
	}
}

// base64Reader decodes a part sent in base64, as attachments are.
func base64Reader(p *multipart.Part) io.Reader {
	if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
		return base64.NewDecoder(base64.StdEncoding, p)
	}
	return p
}
