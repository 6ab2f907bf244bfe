package delivery

import (
	"strings"
	"testing"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/locale"
)

// Every language of the documents has billrun's texts, for an invoice and
// for a correction, naming what they carry; an operator's template for a
// language replaces billrun's.
func TestTexts(t *testing.T) {
	inv := config.MailData{Customer: "Müller", Issuer: "OpenVPS", Number: "INV-2026-00001", Period: "P", IssueDate: "I", DueDate: "D", Total: "T"}
	cor := inv
	cor.Correction, cor.CreditNote, cor.Corrects, cor.Number = true, "INV-2026-00003", "INV-2026-00001", "INV-2026-00004"
	for _, lang := range locale.Languages {
		if _, ok := defaults[lang]; !ok {
			t.Fatalf("no texts in %s", lang)
		}
		s, b, err := Text(nil, lang, inv)
		if err != nil || !strings.Contains(s, "INV-2026-00001") || !strings.Contains(b, "T") || !strings.Contains(b, "OpenVPS") || strings.Contains(s+b, "<no value>") {
			t.Errorf("%s invoice: %q %q %v", lang, s, b, err)
		}
		s, b, err = Text(nil, lang, cor)
		if err != nil || !strings.Contains(s, "INV-2026-00003") || !strings.Contains(s, "INV-2026-00004") || !strings.Contains(b, "INV-2026-00001") {
			t.Errorf("%s correction: %q %q %v", lang, s, b, err)
		}
	}
	own := map[string]config.MailTemplate{"de": {Subject: "Ihre Rechnung {{.Number}}\n"}}
	if s, b, err := Text(own, "de", inv); err != nil || s != "Ihre Rechnung INV-2026-00001" || !strings.HasPrefix(b, "Guten Tag") {
		t.Errorf("override: %q %q %v", s, b, err)
	}
}

// A message's Message-ID is the same whenever it is made, and another for
// other recipients or a resend.
func TestMessageID(t *testing.T) {
	a := MessageID([]string{"INV-1", "INV-2"}, []string{"a@x.example"}, 0, "billing@openvps.example")
	if a != MessageID([]string{"INV-1", "INV-2"}, []string{"a@x.example"}, 0, "billing@openvps.example") ||
		!strings.HasPrefix(a, "billrun.INV-1+INV-2.") || !strings.HasSuffix(a, "@openvps.example") {
		t.Errorf("%q", a)
	}
	if a == MessageID([]string{"INV-1", "INV-2"}, []string{"b@x.example"}, 0, "billing@openvps.example") ||
		!strings.Contains(MessageID([]string{"INV-1", "INV-2"}, []string{"a@x.example"}, 2, "billing@openvps.example"), ".r2@") {
		t.Error("the same Message-ID for other recipients, or no .rN on a resend")
	}
}
