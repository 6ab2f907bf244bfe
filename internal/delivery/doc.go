// Package delivery composes the e-mail that carries issued documents to
// a customer — a short text in the customer's language from a template,
// the PDF and the e-invoice attached — and sends it over SMTP with
// github.com/wneessen/go-mail, one connection for a batch, or writes it
// as an RFC 5322 .eml file. It keeps no state: the register's delivery
// log is the job's business (internal/job's Send).
package delivery
