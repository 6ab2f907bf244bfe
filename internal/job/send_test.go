package job

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/delivery/mailpittest"
	"github.com/billrun/billrun/internal/state"
	"github.com/shopspring/decimal"
)

// issuedForSending is a register with an invoice for each customer and,
// after a new price, a correction (credit note and replacement) for
// each: six documents, four messages. Customer B has a copy to a second
// address. The mail server is m's, in plain text on loopback.
func issuedForSending(t *testing.T, m *mailpittest.Server) SendOptions {
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
	cfg.SMTP = &config.SMTP{Host: "127.0.0.1", Port: m.SMTPPort, TLS: config.TLSNone}
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
	m := mailpittest.Start(t)
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
	o.Config.Send.Rate = 600 // a message every 100 ms at most
	start := time.Now()
	res, err = Send(ctx, o)
	if err != nil || len(res.Sent) != 4 || len(res.Retry)+len(res.Failed)+len(res.Uncertain) != 0 {
		t.Fatalf("send: %+v %v", res, err)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("4 messages at send.rate 600 a minute took %v, less than 3 intervals of 100 ms", d)
	}
	got := m.Messages(t)
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
	if err != nil || len(res.Sent) != 0 || len(m.Messages(t)) != 4 {
		t.Fatalf("second send: %+v %v", res, err)
	}
	v, err := Verify(ctx, VerifyOptions{Config: o.Config})
	if err != nil || len(v.Problems) != 0 {
		t.Fatalf("verify: %+v %v", v, err)
	}
	// verify checks the proof: an attachment logged with another digest
	db, err := sql.Open("sqlite", filepath.Join(StateDir(o.Config, o.Config.OutDir), state.RegisterFile))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`UPDATE deliveries SET attachments = '[{"name":"INV-2026-00001.pdf","sha256":"00"}]' WHERE id = (SELECT min(id) FROM deliveries)`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	v, err = Verify(ctx, VerifyOptions{Config: o.Config})
	if err != nil || len(v.Problems) != 1 || !strings.Contains(v.Problems[0], "INV-2026-00001.pdf was sent with SHA-256 00") {
		t.Fatalf("verify after the log was edited: %q %v", v.Problems, err)
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

// deliveriesOf is the register's delivery log (the latest row of each
// document and recipient).
func deliveriesOf(t *testing.T, o SendOptions) []state.Delivery {
	t.Helper()
	reg, err := state.OpenFor(context.Background(), StateDir(o.Config, o.Config.OutDir), IssuedDir(o.Config))
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	ds, err := reg.Deliveries(context.Background(), state.DeliveryFilter{}, false)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// A server that answers 451 is tried again, within the run and by a
// later send once due, and then delivers; one that answers 550 fails the
// delivery for good; a retry past send.retry_for is given up.
func TestSendRefusals(t *testing.T) {
	m := mailpittest.Start(t, "--enable-chaos")
	o := issuedForSending(t, m)
	o.Customers = []string{"A"}
	ctx := context.Background()
	m.Chaos(t, 451)
	res, err := Send(ctx, o)
	if err != nil || len(res.Retry) != 2 || len(res.Sent) != 0 || len(m.Messages(t)) != 0 {
		t.Fatalf("451: %+v %v", res, err)
	}
	for _, d := range deliveriesOf(t, o) {
		if d.CustomerID == "A" && (d.Status != state.DeliveryRetry || !strings.Contains(d.Reply, "451") || d.NextAt <= d.UpdatedAt) {
			t.Errorf("after 451: %+v", d)
		}
	}
	m.Chaos(t, 0)
	if res, err := Send(ctx, o); err != nil || len(res.Sent) != 0 || len(res.Retry) != 2 {
		t.Fatalf("before the retry is due: %+v %v", res, err)
	}
	later := o
	later.Now = func() time.Time { return issueDay().Add(time.Hour) }
	if res, err := Send(ctx, later); err != nil || len(res.Sent) != 2 || len(m.Messages(t)) != 2 {
		t.Fatalf("the retry: %+v %v", res, err)
	}
	// 550: failed, never retried, even on purpose only once
	o.Customers, o.Resend = []string{"B"}, nil
	m.Chaos(t, 550)
	res, err = Send(ctx, o)
	if err != nil || len(res.Failed) != 2 || len(res.Retry) != 0 {
		t.Fatalf("550: %+v %v", res, err)
	}
	m.Chaos(t, 0)
	if res, err := Send(ctx, later); err != nil || len(res.Sent)+len(res.Retry)+len(res.Failed) != 0 || len(m.Messages(t)) != 2 {
		t.Fatalf("after 550: %+v %v", res, err)
	}
	if c := deliveryCounts(t, o); c != (state.DeliveryCounts{Failed: 3}) {
		t.Errorf("after 550: counts %+v, want B's 3 documents failed", c)
	}
	// --resend sends a failed one on purpose, logged as such
	o.Resend = []string{"INV-2026-00002"}
	if res, err := Send(ctx, o); err != nil || len(res.Sent) != 1 || len(m.Messages(t)) != 3 {
		t.Fatalf("resend: %+v %v", res, err)
	}
	if c := deliveryCounts(t, o); c != (state.DeliveryCounts{Failed: 2}) {
		t.Errorf("after the resend: counts %+v", c)
	}
}

// deliveryCounts are the register's counts of documents by delivery.
func deliveryCounts(t *testing.T, o SendOptions) state.DeliveryCounts {
	t.Helper()
	l, err := state.LoadLedger(StateDir(o.Config, o.Config.OutDir))
	if err != nil {
		t.Fatal(err)
	}
	return l.Deliveries
}

// A retry is given up as failed once send.retry_for has passed since
// its first attempt.
func TestSendGivesUp(t *testing.T) {
	m := mailpittest.Start(t, "--enable-chaos")
	o := issuedForSending(t, m)
	o.Customers = []string{"A"}
	m.Chaos(t, 451)
	if res, err := Send(context.Background(), o); err != nil || len(res.Retry) != 2 {
		t.Fatalf("451: %+v %v", res, err)
	}
	m.Chaos(t, 0)
	o.Now = func() time.Time { return issueDay().Add(49 * time.Hour) }
	res, err := Send(context.Background(), o)
	if err != nil || len(res.Failed) != 2 || len(res.Sent) != 0 || !strings.Contains(res.Failed[0].Reply, "given up") || len(m.Messages(t)) != 0 {
		t.Fatalf("after retry_for: %+v %v", res, err)
	}
}

// Nothing is logged as sent when the server cannot be used: one without
// STARTTLS when it is required, a wrong password; each error names the
// server. With STARTTLS, a certificate of smtp.ca_file and the right
// password, all goes.
func TestSendRefusesServer(t *testing.T) {
	m := mailpittest.Start(t)
	o := issuedForSending(t, m)
	o.Config.SMTP.TLS = config.TLSStartTLS
	server := fmt.Sprintf("smtp 127.0.0.1:%d", m.SMTPPort)
	if _, err := Send(context.Background(), o); err == nil || !strings.Contains(err.Error(), server) || len(deliveriesOf(t, o)) != 0 {
		t.Fatalf("no STARTTLS: %v", err)
	}
	dir := t.TempDir()
	cert, key := testCertificate(t, dir)
	auth := filepath.Join(dir, "auth")
	os.WriteFile(auth, []byte("billrun:right\n"), 0o600)
	m2 := mailpittest.Start(t, "--smtp-auth-file", auth, "--smtp-tls-cert", cert, "--smtp-tls-key", key, "--smtp-require-starttls")
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("wrong\n"), 0o600)
	o.Config.SMTP = &config.SMTP{Host: "127.0.0.1", Port: m2.SMTPPort, TLS: config.TLSStartTLS, CAFile: cert, Username: "billrun", PasswordFile: pw}
	server = fmt.Sprintf("smtp 127.0.0.1:%d", m2.SMTPPort)
	_, err := Send(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), server) || len(deliveriesOf(t, o)) != 0 || len(m2.Messages(t)) != 0 {
		t.Fatalf("wrong password: %v", err)
	}
	os.WriteFile(pw, []byte("right\n"), 0o600)
	if res, err := Send(context.Background(), o); err != nil || len(res.Sent) != 4 || len(m2.Messages(t)) != 4 {
		t.Fatalf("STARTTLS, right password: %+v %v", res, err)
	}
	// implicit TLS (tls: tls), the password from $BILLRUN_SMTP_PASSWORD
	m3 := mailpittest.Start(t, "--smtp-auth-file", auth, "--smtp-tls-cert", cert, "--smtp-tls-key", key, "--smtp-require-tls")
	o = issuedForSending(t, m3)
	o.Config.SMTP = &config.SMTP{Host: "127.0.0.1", Port: m3.SMTPPort, TLS: config.TLSImplicit, CAFile: cert, Username: "billrun"}
	t.Setenv("BILLRUN_SMTP_PASSWORD", "right")
	if res, err := Send(context.Background(), o); err != nil || len(res.Sent) != 4 || len(m3.Messages(t)) != 4 {
		t.Fatalf("implicit TLS: %+v %v", res, err)
	}
}

// testCertificate writes a self-signed certificate for 127.0.0.1 and its
// key into dir, as PEM.
func testCertificate(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return cert, key
}

// TestSendKilledAnywhere stops billrun send at each step of a batch
// (before each message's MAIL, after its DATA: between documents too),
// as a kill would, then sends again: no document reaches the server
// twice, the one stopped after its DATA is uncertain and goes again only
// with ResendUncertain, and none is lost.
func TestSendKilledAnywhere(t *testing.T) {
	defer func() { fault = func(string) error { return nil } }()
	m := mailpittest.Start(t)
	base := issuedForSending(t, m)
	snapshot := t.TempDir()
	copyTree(t, base.Config.OutDir, snapshot)
	var steps []string
	fault = func(s string) error {
		if strings.HasPrefix(s, "send: ") {
			steps = append(steps, s)
		}
		return nil
	}
	if _, err := Send(context.Background(), base); err != nil {
		t.Fatal(err)
	}
	if len(steps) != 8 {
		t.Fatalf("steps %v", steps)
	}
	killed := errors.New("killed")
	for at := 1; at <= len(steps); at++ {
		os.RemoveAll(base.Config.OutDir)
		copyTree(t, snapshot, base.Config.OutDir)
		m.Clear(t)
		n := 0
		fault = func(s string) error {
			if strings.HasPrefix(s, "send: ") {
				if n++; n == at {
					return killed
				}
			}
			return nil
		}
		if _, err := Send(context.Background(), base); !errors.Is(err, killed) {
			t.Fatalf("kill at %d (%s): %v", at, steps[at-1], err)
		}
		fault = func(string) error { return nil }
		res, err := Send(context.Background(), base)
		afterData := strings.HasSuffix(steps[at-1], "after DATA")
		if err != nil || afterData != (len(res.Uncertain) == 1) {
			t.Fatalf("kill at %d (%s), then send: %+v %v", at, steps[at-1], res, err)
		}
		counts := receivedCounts(t, m)
		for pdf, c := range counts {
			if c > 1 {
				t.Errorf("kill at %d (%s): %s reached the server %d times", at, steps[at-1], pdf, c)
			}
		}
		retried := base
		retried.ResendUncertain = true
		if _, err := Send(context.Background(), retried); err != nil {
			t.Fatal(err)
		}
		counts = receivedCounts(t, m)
		if len(counts) != 6 {
			t.Errorf("kill at %d (%s): %d of 6 documents reached the server", at, steps[at-1], len(counts))
		}
	}
}

// receivedCounts is how many times each document's PDF reached m.
func receivedCounts(t *testing.T, m *mailpittest.Server) map[string]int {
	counts := map[string]int{}
	for _, r := range m.Messages(t) {
		for name := range r.Attachments {
			if strings.HasSuffix(name, ".pdf") {
				counts[name]++
			}
		}
	}
	return counts
}
