package job

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/billrun/billrun/internal/atomicfile"
	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/delivery"
	"github.com/billrun/billrun/internal/state"
)

// SendOptions are what billrun send delivers and how.
type SendOptions struct {
	Config    *config.Config
	Period    string   // only this period's documents ("" for all)
	Customers []string // only these customers' ("" for all)
	// DryRun writes each message as an .eml file into Out and sends
	// nothing, logging nothing.
	DryRun bool
	Out    string
	// ResendUncertain sends again what an interrupted send may or may
	// not have delivered; Resend sends these documents again on purpose.
	ResendUncertain bool
	Resend          []string
	Wait            bool
	Now             func() time.Time
	// Backoff is the wait before a temporary refusal is retried within
	// the run (default 2 s, doubling, three tries); tests shorten it.
	Backoff time.Duration
}

// SendResult is what a send did, message by message.
type SendResult struct {
	Sent, Retry, Failed []Outcome
	// Uncertain are messages an interrupted send left half done: sent
	// again only with ResendUncertain.
	Uncertain []Outcome
	// NoAddress are documents of customers without an email.
	NoAddress []string
	Written   []string // --dry-run: the .eml files
}

// Outcome is one message: the documents it carries, to whom, and the
// server's reply.
type Outcome struct {
	Numbers    []string
	Recipients []string
	MessageID  string
	Reply      string
}

// Send e-mails every issued document not yet delivered (of o.Period and
// o.Customers) to its customer, a credit note and its replacement in one
// message, logging each delivery in the register before and after the
// SMTP transaction, under the state lock.
func Send(ctx context.Context, o SendOptions) (*SendResult, error) {
	cfg := o.Config
	if o.Now == nil {
		o.Now = time.Now
	}
	if !o.DryRun && cfg.SMTP == nil {
		return nil, errors.New("no smtp server in the config (smtp: {host, port, tls, username, password_file}); --dry-run --out DIR writes the messages instead")
	}
	if cfg.Send.From == "" {
		return nil, errors.New("no sender: set send.from or issuer.email")
	}
	reg, done, err := openState(ctx, StateDir(cfg, cfg.OutDir), IssuedDir(cfg), o.Wait)
	if err != nil {
		return nil, err
	}
	defer done()
	plan, err := planSend(ctx, reg, o)
	if err != nil {
		return nil, err
	}
	if o.DryRun {
		return plan.res, writeEMLs(plan, o.Out)
	}
	return plan.res, sendAll(ctx, reg, plan, o)
}

// sendPlan is what a send will do: the messages to send, with the
// delivery rows each logs, and what it leaves and why.
type sendPlan struct {
	messages []pendingMessage
	res      *SendResult
}

// pendingMessage is a message, the documents it carries, and its
// deliveries: one per document and recipient (rows with an ID are
// retries taken up again).
type pendingMessage struct {
	msg     *delivery.Message
	numbers []string
	rows    []state.Delivery
	hashes  []attachmentHash
}

// attachmentHash is a file a message carries, by its name, with the
// SHA-256 the register has for it.
type attachmentHash struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// writeEMLs writes each message of plan into dir as an .eml file,
// atomically.
func writeEMLs(plan *sendPlan, dir string) error {
	if dir == "" {
		return errors.New("--dry-run needs --out DIR")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, m := range plan.messages {
		path := filepath.Join(dir, delivery.FileName(m.numbers))
		var b bytes.Buffer
		if err := m.msg.WriteEML(&b); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := atomicfile.WriteFile(path, b.Bytes()); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		plan.res.Written = append(plan.res.Written, path)
	}
	return nil
}

// idsOf are rows' register ids.
func idsOf(rows []state.Delivery) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

// hashesJSON is the attachments a message carried, as the log keeps them.
func hashesJSON(h []attachmentHash) string {
	b, _ := json.Marshal(h) // plain data: cannot fail
	return string(b)
}
