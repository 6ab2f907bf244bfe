package delivery

import "github.com/billrun/billrun/internal/config"

// defaults are billrun's subjects and texts, per language; an operator
// overrides a language's in send.templates. A correction is a credit
// note and its replacement, in one message.
var defaults = map[string]config.MailTemplate{
	"en": {
		Subject: `{{if .Correction}}Correction of invoice {{.Corrects}}: credit note {{.CreditNote}}{{if .Number}} and invoice {{.Number}}{{end}}{{else}}Invoice {{.Number}} for {{.Period}}{{end}}`,
		Body: `Dear {{.Customer}},

{{if .Correction}}credit note {{.CreditNote}} cancels invoice {{.Corrects}}{{if .Number}}, and invoice {{.Number}} of {{.IssueDate}} replaces it: {{.Total}}, due on {{.DueDate}}{{end}}. The documents are attached.{{else}}please find attached invoice {{.Number}} of {{.IssueDate}} for {{.Period}}: {{.Total}}, due on {{.DueDate}}.{{end}}

Kind regards
{{.Issuer}}
`},
	"de": {
		Subject: `{{if .Correction}}Korrektur der Rechnung {{.Corrects}}: Rechnungskorrektur {{.CreditNote}}{{if .Number}} und Rechnung {{.Number}}{{end}}{{else}}Rechnung {{.Number}} für {{.Period}}{{end}}`,
		Body: `Guten Tag,

{{if .Correction}}die Rechnungskorrektur {{.CreditNote}} storniert die Rechnung {{.Corrects}}{{if .Number}}; sie wird ersetzt durch die Rechnung {{.Number}} vom {{.IssueDate}} über {{.Total}}, fällig am {{.DueDate}}{{end}}. Die Dokumente finden Sie im Anhang.{{else}}anbei erhalten Sie die Rechnung {{.Number}} vom {{.IssueDate}} für {{.Period}} über {{.Total}}, fällig am {{.DueDate}}.{{end}}

Mit freundlichen Grüßen
{{.Issuer}}
`},
	"fr": {
		Subject: `{{if .Correction}}Rectification de la facture {{.Corrects}} : avoir {{.CreditNote}}{{if .Number}} et facture {{.Number}}{{end}}{{else}}Facture {{.Number}} pour {{.Period}}{{end}}`,
		Body: `Bonjour,

{{if .Correction}}l'avoir {{.CreditNote}} annule la facture {{.Corrects}}{{if .Number}}, remplacée par la facture {{.Number}} du {{.IssueDate}} : {{.Total}}, à régler le {{.DueDate}}{{end}}. Vous trouverez les documents en pièce jointe.{{else}}veuillez trouver ci-joint la facture {{.Number}} du {{.IssueDate}} pour {{.Period}} : {{.Total}}, à régler le {{.DueDate}}.{{end}}

Cordialement,
{{.Issuer}}
`},
	"nl": {
		Subject: `{{if .Correction}}Correctie van factuur {{.Corrects}}: creditnota {{.CreditNote}}{{if .Number}} en factuur {{.Number}}{{end}}{{else}}Factuur {{.Number}} voor {{.Period}}{{end}}`,
		Body: `Geachte heer, mevrouw,

{{if .Correction}}creditnota {{.CreditNote}} crediteert factuur {{.Corrects}}{{if .Number}}, die vervangen wordt door factuur {{.Number}} van {{.IssueDate}}: {{.Total}}, te betalen vóór {{.DueDate}}{{end}}. De documenten zijn bijgevoegd.{{else}}bijgaand ontvangt u factuur {{.Number}} van {{.IssueDate}} voor {{.Period}}: {{.Total}}, te betalen vóór {{.DueDate}}.{{end}}

Met vriendelijke groet,
{{.Issuer}}
`},
}
