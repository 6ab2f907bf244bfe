package job

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/delivery"
	"github.com/billrun/billrun/internal/locale"
	"github.com/billrun/billrun/internal/pricing"
	"github.com/billrun/billrun/internal/state"
)

// planSend decides, for each message the selected documents make, what
// this send does: send it (for the first time, again on purpose, or a
// retry that is due), or leave it, saying why.
func planSend(ctx context.Context, reg *state.Register, o SendOptions) (*sendPlan, error) {
	docs, err := reg.Documents(ctx, state.DocumentFilter{Period: o.Period, Status: "issued"})
	if err != nil {
		return nil, err
	}
	docs = slices.DeleteFunc(docs, func(d state.Document) bool {
		return len(o.Customers) > 0 && !slices.Contains(o.Customers, d.CustomerID)
	})
	for _, n := range o.Resend {
		if !slices.ContainsFunc(docs, func(d state.Document) bool { return d.Number == n }) {
			return nil, fmt.Errorf("--resend %s: no issued document of that number among those selected", n)
		}
	}
	all, err := reg.Deliveries(ctx, state.DeliveryFilter{Period: o.Period}, true)
	if err != nil {
		return nil, err
	}
	plan := &sendPlan{res: &SendResult{}}
	for _, g := range groupDocuments(docs) {
		cu := o.Config.Customer(g[0].CustomerID)
		if cu == nil || cu.Email == "" {
			plan.res.NoAddress = append(plan.res.NoAddress, numbersOfDocs(g)...)
			continue
		}
		if err := plan.decide(g, append([]string{cu.Email}, cu.EmailCC...), all, o); err != nil {
			return nil, err
		}
	}
	return plan, nil
}

// decide adds group's message to the plan, or notes why it is left: its
// deliveries' latest rows say sent, failed, uncertain (sending: a send
// stopped between its two log entries) or a retry not yet due.
func (plan *sendPlan) decide(group []state.Document, recipients []string, all []state.Delivery, o SendOptions) error {
	numbers := numbersOfDocs(group)
	latest, resends := map[string]state.Delivery{}, 0
	for _, d := range all {
		if slices.Contains(numbers, d.Number) && slices.Contains(recipients, d.Recipient) {
			latest[d.Number+"\n"+d.Recipient] = d
			if d.Purpose != "" && d.Number == numbers[0] && d.Recipient == recipients[0] {
				resends++
			}
		}
	}
	status := func(s string) bool {
		for _, d := range latest {
			if d.Status == s {
				return true
			}
		}
		return false
	}
	purpose, retry := "", false
	now := o.Now().UTC()
	switch {
	case slices.ContainsFunc(numbers, func(n string) bool { return slices.Contains(o.Resend, n) }):
		purpose = "resend"
	case status(state.DeliverySending) && o.ResendUncertain:
		purpose = "uncertain"
	case status(state.DeliverySending):
		plan.res.Uncertain = append(plan.res.Uncertain, outcomeOf(latest, numbers, recipients))
		return nil
	case status(state.DeliveryFailed), len(latest) > 0 && !status(state.DeliveryRetry):
		return nil // failed for good, or sent
	case status(state.DeliveryRetry):
		if !retryDue(latest, now) {
			plan.res.Retry = append(plan.res.Retry, outcomeOf(latest, numbers, recipients))
			return nil
		}
		retry = true
	}
	if purpose != "" {
		resends++
	}
	return plan.add(group, recipients, latest, purpose, retry, resends, o)
}

// retryDue says whether the retry rows of latest are due at now.
func retryDue(latest map[string]state.Delivery, now time.Time) bool {
	for _, d := range latest {
		if d.Status == state.DeliveryRetry && d.NextAt > now.Format(time.RFC3339) {
			return false
		}
	}
	return true
}

// outcomeOf is a message left as it is, as a send reports it.
func outcomeOf(latest map[string]state.Delivery, numbers, recipients []string) Outcome {
	o := Outcome{Numbers: numbers, Recipients: recipients}
	for _, d := range latest {
		o.MessageID, o.Reply = d.MessageID, d.Reply
	}
	return o
}

// add composes group's message to recipients and adds it to the plan
// with its deliveries: new rows, or for a retry the rows taken up again.
func (plan *sendPlan) add(group []state.Document, recipients []string, latest map[string]state.Delivery, purpose string, retry bool, resends int, o SendOptions) error {
	m, hashes, err := compose(group, recipients, o.Config, o.Now())
	if err != nil {
		return err
	}
	if retry { // the retry keeps its Message-ID: it is the same message
		for _, d := range latest {
			m.ID = d.MessageID
		}
	} else {
		m.ID = delivery.MessageID(numbersOfDocs(group), recipients, resends, o.Config.Send.From)
	}
	pm := pendingMessage{msg: m, numbers: numbersOfDocs(group), hashes: hashes}
	for _, d := range group {
		for _, r := range recipients {
			row := state.Delivery{Number: d.Number, Recipient: r, MessageID: m.ID, Purpose: purpose}
			if retry {
				row = latest[d.Number+"\n"+r]
			}
			pm.rows = append(pm.rows, row)
		}
	}
	plan.messages = append(plan.messages, pm)
	return nil
}

// groupDocuments groups documents into messages: a credit note with the
// replacement of the same invoice, every other document alone, in
// number order.
func groupDocuments(docs []state.Document) [][]state.Document {
	var out [][]state.Document
	at := map[string]int{} // corrected invoice -> its group
	for _, d := range docs {
		if d.Corrects != "" {
			if i, ok := at[d.CustomerID+"\n"+d.Corrects]; ok {
				out[i] = append(out[i], d)
				continue
			}
			at[d.CustomerID+"\n"+d.Corrects] = len(out)
		}
		out = append(out, []state.Document{d})
	}
	return out
}

// numbersOfDocs are docs' numbers.
func numbersOfDocs(docs []state.Document) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.Number
	}
	return out
}

// compose is the message carrying group to recipients: the text of the
// customer's language, and each document's PDF and e-invoice XML with
// the digests the register has for them.
func compose(group []state.Document, recipients []string, cfg *config.Config, now time.Time) (*delivery.Message, []attachmentHash, error) {
	var d config.MailData
	lang := "en"
	var hashes []attachmentHash
	m := &delivery.Message{From: cfg.Send.From, To: recipients[:1], Cc: recipients[1:], Date: now}
	for _, doc := range group {
		var md model
		if err := json.Unmarshal([]byte(doc.Model), &md); err != nil {
			return nil, nil, fmt.Errorf("issued %s: its model: %w", doc.Number, err)
		}
		inv := md.Invoice
		lang, d.Customer, d.Issuer = inv.Language, inv.Customer.Name, inv.Issuer.Name
		d.Period = locale.Date(lang, inv.PeriodStart) + " – " + locale.Date(lang, inv.PeriodEnd)
		if inv.Kind == pricing.KindCreditNote {
			d.Correction, d.CreditNote, d.Corrects = true, inv.Number, doc.Corrects
		} else {
			d.Number, d.IssueDate, d.DueDate = inv.Number, locale.Date(lang, inv.IssueDate), locale.Date(lang, inv.DueDate)
			d.Total = locale.Money(lang, inv.Total, inv.Places, inv.Currency)
		}
		m.Attachments = append(m.Attachments, delivery.Attachment{Name: filepath.Base(doc.PDFPath), Path: doc.PDFPath, ContentType: "application/pdf"})
		hashes = append(hashes, attachmentHash{Name: filepath.Base(doc.PDFPath), SHA256: doc.PDFSHA256})
		if doc.XMLPath != "" {
			m.Attachments = append(m.Attachments, delivery.Attachment{Name: filepath.Base(doc.XMLPath), Path: doc.XMLPath, ContentType: "application/xml"})
			hashes = append(hashes, attachmentHash{Name: filepath.Base(doc.XMLPath), SHA256: doc.XMLSHA256})
		}
	}
	var err error
	m.Subject, m.Body, err = delivery.Text(cfg.Send.Templates, lang, d)
	return m, hashes, err
}
