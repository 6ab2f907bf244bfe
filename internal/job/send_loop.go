package job

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/delivery"
	"github.com/billrun/billrun/internal/inputfile"
	"github.com/billrun/billrun/internal/state"
)

// connection is the batch's one SMTP connection: dialled before the
// first message, so that nothing is logged when the server cannot be
// used, and dialled again after a temporary refusal.
type connection struct {
	smtp     *config.SMTP
	password string
	backoff  time.Duration // before the first retry within the run; doubles
	c        *delivery.Client
}

// send sends m, trying a temporary refusal twice more, backoff apart,
// each time on a new connection. gone: the server could not be reached
// again, and the batch stops.
func (cn *connection) send(ctx context.Context, m *delivery.Message) (reply delivery.Reply, gone bool, err error) {
	reply, err = cn.c.Send(m)
	backoff := cn.backoff
	for try := 1; err != nil && reply.Temporary && try < 3; try++ {
		if werr := sleep(ctx, backoff); werr != nil {
			return reply, true, werr
		}
		backoff *= 2
		cn.close()
		if cn.c, err = delivery.Dial(ctx, cn.smtp, cn.password); err != nil {
			return reply, true, err // logged as a retry
		}
		reply, err = cn.c.Send(m)
	}
	return reply, false, err
}

func (cn *connection) close() {
	if cn.c != nil {
		cn.c.Close()
		cn.c = nil
	}
}

// sendAll sends plan's messages over one connection, paced by
// send.rate: each is logged sending before its SMTP transaction and
// sent, retry or failed after it. A retry past send.retry_for is given
// up as failed before it is tried.
func sendAll(ctx context.Context, reg *state.Register, plan *sendPlan, o SendOptions) error {
	if len(plan.messages) == 0 {
		return nil
	}
	password, err := o.Config.SMTPPassword()
	if err != nil {
		return err
	}
	cn := &connection{smtp: o.Config.SMTP, password: password, backoff: o.Backoff}
	if cn.backoff == 0 {
		cn.backoff = 2 * time.Second
	}
	defer cn.close()
	if cn.c, err = delivery.Dial(ctx, cn.smtp, password); err != nil {
		return err // nothing is logged when the server cannot be used
	}
	var last time.Time
	for _, m := range plan.messages {
		up, err := gaveUp(ctx, reg, m, plan.res, o)
		if err != nil {
			return err
		}
		if up {
			continue
		}
		if err := pace(ctx, o.Config.Send.Rate, &last); err != nil {
			return err
		}
		if err := checkAttachments(m); err != nil {
			return err
		}
		if err := sendOne(ctx, reg, cn, m, plan.res, o); err != nil {
			return err
		}
	}
	return nil
}

// sendOne logs m's deliveries as sending, sends m, and logs the outcome.
func sendOne(ctx context.Context, reg *state.Register, cn *connection, m pendingMessage, res *SendResult, o SendOptions) error {
	now := func() string { return o.Now().UTC().Format(time.RFC3339) }
	if err := fault("send: before MAIL"); err != nil {
		return err
	}
	if err := reg.BeginDeliveries(ctx, m.rows, now()); err != nil {
		return err
	}
	reply, gone, err := cn.send(ctx, m.msg)
	if ferr := fault("send: after DATA"); ferr != nil {
		return ferr
	}
	out := Outcome{Numbers: m.numbers, Recipients: m.msg.Recipients(), MessageID: m.msg.ID, Reply: reply.Text}
	switch {
	case err == nil:
		res.Sent = append(res.Sent, out)
		return reg.EndDeliveries(ctx, idsOf(m.rows), state.DeliverySent, reply.Text, hashesJSON(m.hashes), "", now())
	case reply.Temporary || gone:
		res.Retry = append(res.Retry, out)
		next := o.Now().UTC().Add(retryAfter(m.rows)).Format(time.RFC3339)
		if lerr := reg.EndDeliveries(ctx, idsOf(m.rows), state.DeliveryRetry, reply.Text, "", next, now()); lerr != nil {
			return lerr
		}
		if gone {
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
func gaveUp(ctx context.Context, reg *state.Register, m pendingMessage, res *SendResult, o SendOptions) (bool, error) {
	r := m.rows[0]
	if r.ID == 0 || r.Status != state.DeliveryRetry {
		return false, nil
	}
	first, err := time.Parse(time.RFC3339, r.FirstAt)
	if err != nil || o.Now().Sub(first) <= o.Config.Send.RetryForDuration {
		return false, nil
	}
	reply := fmt.Sprintf("%s (retried for %s since %s: given up)", r.Reply, o.Config.Send.RetryForDuration, r.FirstAt)
	res.Failed = append(res.Failed, Outcome{Numbers: m.numbers, Recipients: m.msg.Recipients(), MessageID: m.msg.ID, Reply: reply})
	return true, reg.EndDeliveries(ctx, idsOf(m.rows), state.DeliveryFailed, reply, "", "", o.Now().UTC().Format(time.RFC3339))
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
