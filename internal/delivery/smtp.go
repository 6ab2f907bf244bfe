package delivery

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/inputfile"
	mail "github.com/wneessen/go-mail"
)

// Timeout bounds each exchange with the server: one that does not
// answer that long ends the connection.
const Timeout = 60 * time.Second

// Client is one SMTP connection, kept for a batch of messages.
type Client struct {
	c      *mail.Client
	server string
}

// Dial connects to s, with STARTTLS required (tls: starttls), implicit
// TLS (tls) or none (loopback only, checked by the config), and logs in
// when s has a username. The error names the server.
func Dial(ctx context.Context, s *config.SMTP, password string) (*Client, error) {
	server := net.JoinHostPort(s.Host, fmt.Sprint(s.Port))
	opts := []mail.Option{mail.WithPort(s.Port), mail.WithTimeout(Timeout), mail.WithHELO("billrun")}
	tc := &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
	if s.CAFile != "" {
		pem, err := inputfile.ReadFile(s.CAFile, 1<<20)
		if err != nil {
			return nil, fmt.Errorf("smtp.ca_file: %w", err)
		}
		tc.RootCAs = x509.NewCertPool()
		if !tc.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("smtp.ca_file %s: no PEM certificate in it", s.CAFile)
		}
	}
	opts = append(opts, mail.WithTLSConfig(tc))
	switch s.TLS {
	case config.TLSImplicit:
		opts = append(opts, mail.WithSSL())
	case config.TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if s.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(s.Username), mail.WithPassword(password))
	}
	c, err := mail.NewClient(s.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp %s: %w", server, err)
	}
	if err := c.DialWithContext(ctx); err != nil {
		return nil, fmt.Errorf("smtp %s: %w", server, err)
	}
	return &Client{c: c, server: server}, nil
}

// Close ends the connection (QUIT).
func (c *Client) Close() error { return c.c.Close() }

// Reply is how the server took a message: its reply, and for a refusal
// whether it is for now (4xx, a dropped connection: try again later) or
// for good (5xx).
type Reply struct {
	Text      string
	Temporary bool
}

// Send sends m over the connection. It returns the server's reply after
// the message's data ("250 2.0.0 Ok: queued as …") and a nil error, or
// the refusal and an error naming the server.
func (c *Client) Send(m *Message) (Reply, error) {
	g, err := m.msg()
	if err != nil {
		return Reply{Text: err.Error()}, err
	}
	if err := c.c.Send(g); err != nil {
		r := Reply{Text: err.Error(), Temporary: true}
		var se *mail.SendError
		if errors.As(err, &se) {
			r.Temporary = se.IsTemp() || se.ErrorCode() == 0 // no code: the connection, not a refusal
			if code := se.ErrorCode(); code != 0 {
				r.Text = fmt.Sprintf("%d %s", code, err)
			}
		}
		return r, fmt.Errorf("smtp %s: %w", c.server, err)
	}
	return Reply{Text: g.ServerResponse()}, nil
}
