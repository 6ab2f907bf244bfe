package state

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Statuses of a delivery. A delivery left sending by a billrun send that
// did not finish is uncertain: the server may or may not have taken it.
const (
	DeliverySending = "sending"
	DeliverySent    = "sent"
	DeliveryRetry   = "retry"  // refused for now (4xx, a dropped connection): tried again
	DeliveryFailed  = "failed" // refused for good (5xx), or retried too long
)

// Delivery is one issued document's e-mail to one recipient, as the
// register logs it. A document sent again on purpose gets a new row
// (Purpose "resend" or "uncertain"); its latest row is its state.
type Delivery struct {
	ID                int64
	Number, Recipient string
	MessageID         string
	Status, Purpose   string
	Attempts          int
	// FirstAt is the first attempt, UpdatedAt the last change, NextAt
	// when a retry is due (RFC 3339, UTC).
	FirstAt, UpdatedAt, NextAt string
	// Reply is the server's answer (for sent: its queue id with it).
	Reply string
	// Attachments are the files sent, as JSON [{name, sha256}].
	Attachments string
	// Period and CustomerID are the document's, for listing.
	Period, CustomerID string
}

// DeliveryFilter selects deliveries: of a period, a status, documents
// (any when empty).
type DeliveryFilter struct {
	Period, Status string
	Numbers        []string
}

// Deliveries lists the latest delivery of each document and recipient
// (all of them with all), in document and recipient order.
func (r *Register) Deliveries(ctx context.Context, f DeliveryFilter, all bool) ([]Delivery, error) {
	q := `SELECT d.id, d.number, d.recipient, d.message_id, d.status, d.purpose, d.attempts, d.first_at, d.updated_at,
		d.next_at, d.reply, d.attachments, doc.period, doc.customer_id
		FROM deliveries d JOIN documents doc ON doc.number = d.number WHERE 1 = 1`
	var args []any
	if !all {
		q += " AND d.id = (SELECT max(id) FROM deliveries l WHERE l.number = d.number AND l.recipient = d.recipient)"
	}
	if f.Period != "" {
		q += " AND doc.period = ?"
		args = append(args, f.Period)
	}
	if f.Status != "" {
		q += " AND d.status = ?"
		args = append(args, f.Status)
	}
	if len(f.Numbers) > 0 {
		q += " AND d.number IN (?" + strings.Repeat(", ?", len(f.Numbers)-1) + ")"
		for _, n := range f.Numbers {
			args = append(args, n)
		}
	}
	rows, err := r.db.QueryContext(ctx, q+" ORDER BY d.number, d.recipient, d.id", args...)
	if err != nil {
		return nil, fmt.Errorf("register %s: deliveries: %w", r.path, err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		if err := rows.Scan(&d.ID, &d.Number, &d.Recipient, &d.MessageID, &d.Status, &d.Purpose, &d.Attempts, &d.FirstAt,
			&d.UpdatedAt, &d.NextAt, &d.Reply, &d.Attachments, &d.Period, &d.CustomerID); err != nil {
			return nil, fmt.Errorf("register %s: deliveries: %w", r.path, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// BeginDeliveries logs ds as sending, in one transaction, before the
// message goes out: a row with an ID (a retry) is taken up again, one
// attempt more; a row without one is added. It sets the IDs of the rows
// added.
func (r *Register) BeginDeliveries(ctx context.Context, ds []Delivery, now string) error {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("register %s: %w", r.path, err)
	}
	defer tx.Rollback()
	for i := range ds {
		d := &ds[i]
		if d.ID != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = ?, next_at = ''
				WHERE id = ? AND status = 'retry'`, now, d.ID); err != nil {
				return fmt.Errorf("register %s: delivery %d: %w", r.path, d.ID, err)
			}
			continue
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO deliveries (number, recipient, message_id, status, purpose, attempts, first_at, updated_at, attachments)
			VALUES (?, ?, ?, 'sending', ?, 1, ?, ?, ?)`, d.Number, d.Recipient, d.MessageID, d.Purpose, now, now, d.Attachments)
		if err != nil {
			return fmt.Errorf("register %s: delivery of %s to %s: %w", r.path, d.Number, d.Recipient, err)
		}
		if d.ID, err = res.LastInsertId(); err != nil {
			return err
		}
	}
	return commit(tx, r.path)
}

// EndDeliveries logs how the message of the deliveries ids went: sent
// (with the server's reply and the attachments sent), retry (due at
// next) or failed (with the reply; a retry given up too).
func (r *Register) EndDeliveries(ctx context.Context, ids []int64, status, reply, attachments, next, now string) error {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("register %s: %w", r.path, err)
	}
	defer tx.Rollback()
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET status = ?, reply = ?, attachments = CASE WHEN ? = '' THEN attachments ELSE ? END,
			next_at = ?, updated_at = ? WHERE id = ? AND status IN ('sending', 'retry')`, status, reply, attachments, attachments, next, now, id); err != nil {
			return fmt.Errorf("register %s: delivery %d: %w", r.path, id, err)
		}
	}
	return commit(tx, r.path)
}

// commit commits tx, naming the register in its error.
func commit(tx *sql.Tx, path string) error {
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("register %s: %w", path, err)
	}
	return nil
}

// DeliveryCounts are the issued documents by how their e-mail stands:
// never sent, uncertain (left sending), to retry, failed; each document
// counted once, by its worst delivery.
type DeliveryCounts struct {
	Unsent, Uncertain, Retry, Failed int
}

// DeliveryCounts counts the issued documents by their deliveries' latest
// rows.
func (r *Register) DeliveryCounts(ctx context.Context) (DeliveryCounts, error) {
	var c DeliveryCounts
	err := r.db.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE status = 'issued'
		AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.number = documents.number)`).Scan(&c.Unsent)
	if err != nil {
		return c, fmt.Errorf("register %s: %w", r.path, err)
	}
	for status, n := range map[string]*int{DeliverySending: &c.Uncertain, DeliveryRetry: &c.Retry, DeliveryFailed: &c.Failed} {
		err := r.db.QueryRowContext(ctx, `SELECT count(DISTINCT number) FROM deliveries d WHERE status = ?
			AND id = (SELECT max(id) FROM deliveries l WHERE l.number = d.number AND l.recipient = d.recipient)`, status).Scan(n)
		if err != nil {
			return c, fmt.Errorf("register %s: %w", r.path, err)
		}
	}
	return c, nil
}
