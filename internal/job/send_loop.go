package job

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/billrun/billrun/internal/delivery"
	"github.com/billrun/billrun/internal/inputfile"
	"github.com/billrun/billrun/internal/state"
)

// sendAll sends plan's messages over one connection, paced by
// send.rate: each is logged sending before its SMTP transaction and
// sent, retry or failed after it. A retry past send.retry_for is given
// up as failed before it is tried.
func sendAll(ctx context.Context, reg *state.Register, plan *sendPlan, o SendOptions) error {
	if len(plan.messages) == 0 {
		return nil
	}
	cfg := o.Config
	password, err := cfg.SMTPPassword()
	if err != nil {
		return err
	}
	var c *delivery.Client
	defer func() {
		if c != nil {
			c.Close()
		}
	}()
	var last time.Time
	for _, m := range plan.messages {
		if gaveUp(ctx, reg, m, plan.res, o) {
			continue
		}
		if err := pace(ctx, cfg.Send.Rate, &last); err != nil {
			return err
		}
		if err := checkAttachments(m); err != nil {
			return err
		}
		if c == nil { // dialled at the first message: nothing is logged if the server cannot be reached
			if c, err = delivery.Dial(ctx, cfg.SMTP, password); err != nil {
				return err
			}
		}
		if err := sendOne(ctx, reg, &c, m, password, plan.res, o); err != nil {
			return err
		}
	}
	return nil
}

// sendOne logs m's deliveries as sending, sends m (retrying a temporary
// refusal within the run, redialling a dropped connection), and logs the
// outcome.
func sendOne(ctx context.Context, reg *state.Register, c **delivery.Client, m pendingMessage, password string, res *SendResult, o SendOptions) error {
	now := func() string { return o.Now().UTC().Format(time.RFC3339) }
	if err := fault("send: before MAIL"); err != nil {
		return err
	}
	if err := reg.BeginDeliveries(ctx, m.rows, now()); err != nil {
		return err
	}
	reply, err := (*c).Send(m.msg)
	backoff := o.Backoff
	if backoff == 0 {
		backoff = 2 * time.Second
	}
	for try := 1; err != nil && reply.Temporary && try < 3; try++ {
		if werr := sleep(ctx, backoff); werr != nil {
			return werr
		}
		backoff *= 2
		(*c).Close()
		if *c, err = delivery.Dial(ctx, o.Config.SMTP, password); err != nil {
			*c = nil
			break // logged as a retry below; the batch stops
		}
		reply, err = (*c).Send(m.msg)
	}
	if ferr := fault("send: after DATA"); ferr != nil {
		return ferr
	}
	out := Outcome{Numbers: numbersOf(m.rows), Recipients: m.msg.Recipients(), MessageID: m.msg.ID, Reply: reply.Text}
	switch {
	case err == nil:
		res.Sent = append(res.Sent, out)
		return reg.EndDeliveries(ctx, idsOf(m.rows), state.DeliverySent, reply.Text, hashesJSON(m.hashes), "", now())
	case reply.Temporary:
		res.Retry = append(res.Retry, out)
		next := o.Now().UTC().Add(retryAfter(m.rows)).Format(time.RFC3339)
		if lerr := reg.EndDeliveries(ctx, idsOf(m.rows), state.DeliveryRetry, reply.Text, "", next, now()); lerr != nil {
			return lerr
		}
		if *c == nil {
			return err // the server is gone: the rest waits for the next send
		}
		return nil
	default:
		res.Failed = append(res.Failed, out)
		return reg.EndDeliveries(ctx, idsOf(m.rows), state.DeliveryFailed, reply.Text, "", "", now())
	}
}

// retryAfter is how long a message refused for now waits before the next
// send tries it: 15 minutes, doubling with each attempt, at most 6 hours.
func retryAfter(rows []state.Delivery) time.Duration {
	d := 15 * time.Minute
	for i := 1; i < rows[0].Attempts && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// gaveUp logs m as failed when it is a retry whose first attempt is
// longer ago than send.retry_for, and says so.
func gaveUp(ctx context.Context, reg *state.Register, m pendingMessage, res *SendResult, o SendOptions) bool {
	r := m.rows[0]
	if r.ID == 0 || r.Status != state.DeliveryRetry {
		return false
	}
	first, err := time.Parse(time.RFC3339, r.FirstAt)
	if err != nil || o.Now().Sub(first) <= o.Config.Send.RetryForDuration {
		return false
	}
	reply := fmt.Sprintf("%s (retried for %s since %s: given up)", r.Reply, o.Config.Send.RetryForDuration, r.FirstAt)
	res.Failed = append(res.Failed, Outcome{Numbers: numbersOf(m.rows), Recipients: m.msg.Recipients(), MessageID: m.msg.ID, Reply: reply})
	return reg.EndDeliveries(ctx, idsOf(m.rows), state.DeliveryFailed, reply, "", "", o.Now().UTC().Format(time.RFC3339)) == nil
}

// checkAttachments refuses to send a file whose bytes are not the ones
// the register issued: what is sent is what was issued.
func checkAttachments(m pendingMessage) error {
	for i, a := range m.msg.Attachments {
		f, _, err := inputfile.Open(a.Path)
		if err != nil {
			return fmt.Errorf("%s: %w", a.Path, err)
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", a.Path, err)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != m.hashes[i].SHA256 {
			return fmt.Errorf("%s: its SHA-256 is %s, the register issued %s: not sent (billrun verify --restore restores it)", a.Path, got, m.hashes[i].SHA256)
		}
	}
	return nil
}

// pace waits, at rate messages a minute (0: no wait), until the next
// message may go.
func pace(ctx context.Context, rate int, last *time.Time) error {
	if rate > 0 && !last.IsZero() {
		if err := sleep(ctx, time.Until(last.Add(time.Minute/time.Duration(rate)))); err != nil {
			return err
		}
	}
	*last = time.Now()
	return nil
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
