package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The command lines in deploy/ (systemd units, crontab) name commands and
// flags that exist: each is parsed by billrun itself with --help appended.
func TestDeployCommandLines(t *testing.T) {
	files, _ := filepath.Glob("../../deploy/*")
	checked := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			i := strings.Index(line, "/usr/local/bin/billrun ")
			if i < 0 || strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			args := append(strings.Fields(line[i+len("/usr/local/bin/billrun "):]), "--help")
			var out, errb bytes.Buffer
			if code := execute(context.Background(), args, &out, &errb); code != 0 || !strings.Contains(out.String(), "Usage:") {
				t.Errorf("%s: billrun %s: exit %d %s", filepath.Base(f), strings.Join(args, " "), code, errb.String())
			}
			checked++
		}
	}
	if checked < 3 {
		t.Fatalf("only %d command lines found in deploy/", checked)
	}
}
