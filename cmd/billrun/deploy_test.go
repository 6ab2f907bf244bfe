package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/diff"
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

// deploy/'s timer and crontab are what billrun schedule prints for the
// example config, deploy/billing.yaml, installed as
// /etc/billrun/billing.yaml: both fire in the config's zone.
func TestDeployIsWhatSchedulePrints(t *testing.T) {
	abs, err := filepath.Abs("../../deploy/billing.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for flag, file := range map[string]string{"--systemd": "billrun-catchup.timer", "--crontab": "crontab"} {
		var out, errb bytes.Buffer
		if code := execute(context.Background(), []string{"schedule", "--config", "../../deploy/billing.yaml", flag}, &out, &errb); code != 0 {
			t.Fatalf("schedule %s: exit %d: %s", flag, code, errb.String())
		}
		got := strings.ReplaceAll(out.String(), abs, "/etc/billrun/billing.yaml")
		want, err := os.ReadFile(filepath.Join("../../deploy", file))
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("deploy/%s is not what billrun schedule %s prints:\n%s", file, flag, diff.Diff("deploy/"+file, want, "schedule", []byte(got)))
		}
		if !strings.Contains(got, "Europe/Berlin") {
			t.Errorf("schedule %s names no zone:\n%s", flag, got)
		}
	}
}
