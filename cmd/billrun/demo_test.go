package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/billrun/billrun/internal/config"
	"github.com/billrun/billrun/internal/fleet"
)

// The demo's config configures the CJK font when there is one and has the
// Japanese customer then; without it, it leaves that customer out, so the
// config loads (a name no font sets is refused).
func TestDemoConfigFont(t *testing.T) {
	dir := t.TempDir()
	fl := &fleet.Fleet{Hosts: []fleet.HostFile{{Name: "host01", File: filepath.Join(dir, "h.rrd")}}}
	font := filepath.Join(dir, "cjk.ttf")
	for _, c := range []struct {
		font     string
		japanese bool
	}{{"", false}, {font, true}} {
		y := demoConfig(fl, dir, 12, c.font)
		if got := strings.Contains(y, "株式会社テスト"); got != c.japanese || strings.Contains(y, "font:") != c.japanese || !strings.Contains(y, "Łódź") {
			t.Errorf("font %q: Japanese customer %v, want %v:\n%s", c.font, got, c.japanese, y)
		}
		if c.font != "" {
			continue // the font is made up: only the text is checked
		}
		p := filepath.Join(dir, "billing.yaml")
		os.WriteFile(p, []byte(y), 0o644)
		if _, err := config.Load(p); err != nil {
			t.Errorf("without a CJK font the demo's config is refused: %v", err)
		}
	}
}
