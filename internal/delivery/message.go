package delivery

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/billrun/billrun/internal/config"
	mail "github.com/wneessen/go-mail"
)

// Message is one e-mail: to the customer's address, with copies, its
// subject and text, and the files it carries.
type Message struct {
	ID            string // the Message-ID, without its angle brackets
	From          string
	To            []string
	Cc            []string
	Subject, Body string
	Date          time.Time
	Attachments   []Attachment
}

// Attachment is a file a message carries: its name in the message, the
// file it is read from as the message is written, its content type.
type Attachment struct {
	Name, Path, ContentType string
}

// Recipients are everyone the message goes to: To, then Cc.
func (m *Message) Recipients() []string { return append(append([]string{}, m.To...), m.Cc...) }

// MessageID is the Message-ID of the message carrying documents (their
// numbers) to recipients, the same every time it is made: a delivery
// begun twice is recognisably one message. resend counts the messages
// of these documents sent again on purpose before (0: the first).
func MessageID(numbers, recipients []string, resend int, from string) string {
	sum := sha256.Sum256([]byte(strings.Join(recipients, "\n")))
	id := "billrun." + strings.Join(numbers, "+") + "." + hex.EncodeToString(sum[:6])
	if resend > 0 {
		id += fmt.Sprintf(".r%d", resend)
	}
	domain := "billrun.invalid"
	if _, d, ok := strings.Cut(from, "@"); ok {
		domain = d
	}
	return id + "@" + domain
}

// Text is the subject and body of a message in lang from the config's
// template for it, else billrun's.
func Text(templates map[string]config.MailTemplate, lang string, d config.MailData) (subject, body string, err error) {
	def, ok := defaults[lang]
	if !ok {
		def = defaults["en"]
	}
	t := templates[lang]
	if t.Subject == "" {
		t.Subject = def.Subject
	}
	if t.Body == "" {
		t.Body = def.Body
	}
	if subject, err = config.ExecuteMail(t.Subject, d); err != nil {
		return "", "", fmt.Errorf("send.templates.%s.subject: %w", lang, err)
	}
	if body, err = config.ExecuteMail(t.Body, d); err != nil {
		return "", "", fmt.Errorf("send.templates.%s.body: %w", lang, err)
	}
	// a subject is one line, whatever a template made of it
	return strings.Join(strings.Fields(subject), " "), body, nil
}

// msg is m as go-mail writes it: a text part, then each attachment,
// read from its file only as the message is written.
func (m *Message) msg() (*mail.Msg, error) {
	g := mail.NewMsg()
	if err := g.From(m.From); err != nil {
		return nil, fmt.Errorf("from %q: %w", m.From, err)
	}
	if err := g.To(m.To...); err != nil {
		return nil, fmt.Errorf("to %q: %w", m.To, err)
	}
	if len(m.Cc) > 0 {
		if err := g.Cc(m.Cc...); err != nil {
			return nil, fmt.Errorf("cc %q: %w", m.Cc, err)
		}
	}
	g.Subject(m.Subject)
	g.SetMessageIDWithValue(m.ID)
	g.SetDateWithValue(m.Date)
	g.SetGenHeader(mail.HeaderXMailer, "billrun")
	g.SetBodyString(mail.TypeTextPlain, m.Body)
	for _, a := range m.Attachments {
		if st, err := os.Lstat(a.Path); err != nil || !st.Mode().IsRegular() {
			return nil, fmt.Errorf("attachment %s: not a regular file (%v)", a.Path, err)
		}
		g.AttachFile(a.Path, mail.WithFileName(a.Name), mail.WithFileContentType(mail.ContentType(a.ContentType)))
	}
	return g, nil
}

// WriteEML writes m as an RFC 5322 message to w.
func (m *Message) WriteEML(w io.Writer) error {
	g, err := m.msg()
	if err != nil {
		return err
	}
	_, err = g.WriteTo(w)
	return err
}

// FileName is the .eml file name of a message carrying numbers.
func FileName(numbers []string) string {
	return filepath.Base(strings.Join(numbers, "+")) + ".eml"
}
