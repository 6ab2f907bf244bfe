package config

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/billrun/billrun/internal/inputfile"
	"github.com/billrun/billrun/internal/locale"
)

// SMTP is the mail server billrun send delivers through. The password
// is never in the YAML: password_file, else $BILLRUN_SMTP_PASSWORD.
type SMTP struct {
	Host string `yaml:"host"`
	Port int    `yaml:"port"` // default 587, 465 with tls: tls
	// TLS: starttls (the default: required, never plain text), tls
	// (implicit TLS) or none (allowed only to a loopback address).
	TLS          string `yaml:"tls"`
	CAFile       string `yaml:"ca_file"` // PEM roots to trust instead of the system's
	Username     string `yaml:"username"`
	PasswordFile string `yaml:"password_file"`
}

// TLS modes of smtp.tls.
const (
	TLSStartTLS = "starttls"
	TLSImplicit = "tls"
	TLSNone     = "none"
)

// SendSettings are how billrun send delivers issued documents.
type SendSettings struct {
	// From is the sender (default issuer.email).
	From string `yaml:"from"`
	// Rate is messages a minute at most (0: unlimited).
	Rate int `yaml:"rate"`
	// RetryFor is how long a temporary refusal is retried (a Go
	// duration, default 48h) before the delivery counts as failed.
	RetryFor string `yaml:"retry_for"`
	// AfterIssue: catch-up and the daemon send what they issued.
	AfterIssue bool `yaml:"after_issue"`
	// Templates override a language's subject and body (Go text/template).
	Templates map[string]MailTemplate `yaml:"templates"`

	RetryForDuration time.Duration `yaml:"-"`
}

// MailTemplate is a message's subject and body, as Go templates of
// MailData.
type MailTemplate struct {
	Subject string `yaml:"subject"`
	Body    string `yaml:"body"`
}

// MailData is what a message's templates are executed with.
type MailData struct {
	Customer   string // the customer's name
	Issuer     string // the issuer's name
	Number     string // the invoice (for a correction: the replacement, else "")
	CreditNote string // the credit note of a correction, else ""
	Corrects   string // the invoice a correction cancels, else ""
	Period     string // the service period, in the customer's date format
	IssueDate  string
	DueDate    string
	Total      string // the invoice's total, as its PDF prints it
	Correction bool   // a credit note (and its replacement)
}

// maxPasswordBytes bounds smtp.password_file.
const maxPasswordBytes = 4096

// checkMail checks smtp, send and each customer's addresses, when any
// of them is configured: what billrun send needs is there and sound
// before a message is composed.
func (c *Config) checkMail(dir string) error {
	for i, cu := range c.Customers {
		for j, a := range append([]string{cu.Email}, cu.EmailCC...) {
			if a == "" && j == 0 {
				continue
			}
			if err := checkAddress(a); err != nil {
				key := "email"
				if j > 0 {
					key = fmt.Sprintf("email_cc[%d]", j-1)
				}
				return fmt.Errorf("customers[%d] (%s).%s: %v", i, cu.ID, key, err)
			}
		}
		if cu.Email == "" && len(cu.EmailCC) > 0 {
			return fmt.Errorf("customers[%d] (%s).email: missing, and email_cc is set (the copies go with a message to email)", i, cu.ID)
		}
	}
	if err := c.checkSMTP(dir); err != nil {
		return err
	}
	return c.checkSend()
}

// checkSMTP checks the mail server: a host, a port, a TLS mode, and
// plain text only to a loopback address.
func (c *Config) checkSMTP(dir string) error {
	s := c.SMTP
	if s == nil {
		return nil
	}
	if s.Host == "" || strings.ContainsAny(s.Host, " /:") && net.ParseIP(s.Host) == nil {
		return fmt.Errorf("smtp.host: %q is not a host name or address", s.Host)
	}
	switch s.TLS {
	case "":
		s.TLS = TLSStartTLS
	case TLSStartTLS, TLSImplicit:
	case TLSNone:
		if !loopback(s.Host) {
			return fmt.Errorf("smtp.tls: none sends passwords and invoices in plain text; it is allowed only to a loopback address (localhost, 127.0.0.1, ::1), not %s", s.Host)
		}
	default:
		return fmt.Errorf("smtp.tls: %q is not starttls, tls or none", s.TLS)
	}
	if s.Port == 0 {
		s.Port = 587
		if s.TLS == TLSImplicit {
			s.Port = 465
		}
	}
	if s.Port < 1 || s.Port > 65535 {
		return fmt.Errorf("smtp.port: %d is not a port", s.Port)
	}
	for _, p := range []*string{&s.CAFile, &s.PasswordFile} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	if s.CAFile != "" {
		if _, err := inputfile.ReadFile(s.CAFile, 1<<20); err != nil {
			return fmt.Errorf("smtp.ca_file: %w", err)
		}
	}
	if s.PasswordFile != "" && s.Username == "" {
		return errors.New("smtp.password_file: set, but smtp.username is not")
	}
	return nil
}

// loopback says whether host is this machine: localhost or a loopback
// address.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// SMTPPassword is the mail server's password: smtp.password_file's first
// line, else $BILLRUN_SMTP_PASSWORD, else "" (no authentication).
func (c *Config) SMTPPassword() (string, error) {
	if c.SMTP == nil || c.SMTP.Username == "" {
		return "", nil
	}
	if f := c.SMTP.PasswordFile; f != "" {
		b, err := inputfile.ReadFile(f, maxPasswordBytes)
		if err != nil {
			return "", fmt.Errorf("smtp.password_file: %w", err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		return strings.TrimSuffix(line, "\r"), nil
	}
	if p := os.Getenv("BILLRUN_SMTP_PASSWORD"); p != "" {
		return p, nil
	}
	return "", fmt.Errorf("smtp.username %s has no password: set smtp.password_file or $BILLRUN_SMTP_PASSWORD", c.SMTP.Username)
}

// checkSend checks the send settings: the sender, the rate, the retry
// period and the templates, each executed once with sample data.
func (c *Config) checkSend() error {
	s := &c.Send
	if s.From == "" {
		s.From = c.Issuer.Email
	}
	if s.From != "" {
		if err := checkAddress(s.From); err != nil {
			return fmt.Errorf("send.from: %v", err)
		}
	}
	if s.Rate < 0 {
		return fmt.Errorf("send.rate: %d must be >= 0 (messages a minute; 0: unlimited)", s.Rate)
	}
	s.RetryForDuration = 48 * time.Hour
	if s.RetryFor != "" {
		d, err := time.ParseDuration(s.RetryFor)
		if err != nil || d < 0 || d > 30*24*time.Hour {
			return fmt.Errorf("send.retry_for: %q is not a duration from 0 to 720h", s.RetryFor)
		}
		s.RetryForDuration = d
	}
	for _, lang := range slices.Sorted(maps.Keys(s.Templates)) {
		if !locale.Has(lang) {
			return fmt.Errorf("send.templates.%s: billrun writes no documents in %q", lang, lang)
		}
		t := s.Templates[lang]
		for key, text := range map[string]string{"subject": t.Subject, "body": t.Body} {
			if _, err := ExecuteMail(text, MailData{Correction: true}); text != "" && err != nil {
				return fmt.Errorf("send.templates.%s.%s: %v", lang, key, err)
			}
		}
	}
	if c.Send.AfterIssue && c.SMTP == nil {
		return errors.New("send.after_issue: set, but there is no smtp server to send through")
	}
	return nil
}

// ExecuteMail executes a mail template with d; a key MailData does not
// have is an error.
func ExecuteMail(text string, d MailData) (string, error) {
	t, err := template.New("mail").Option("missingkey=error").Parse(text)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return "", err
	}
	return b.String(), nil
}

// checkAddress checks an e-mail address: a bare address, no name, no
// line break.
func checkAddress(a string) error {
	m, err := mail.ParseAddress(a)
	if err != nil || m.Name != "" || m.Address != a || len(a) > 254 {
		return fmt.Errorf("%q is not an e-mail address such as billing@example.com", a)
	}
	return nil
}
