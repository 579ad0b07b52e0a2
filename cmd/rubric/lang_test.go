package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestIssue13CommandLanguage: what the command writes — usage errors, errors of the store,
// import problems, status lines, help — is Chinese by default and English with -lang en (before
// or after the command) or RUBRIC_LANG=en, as in testdata/cli.{zh-CN,en}.golden.txt; LANG is
// not read.
func TestIssue13CommandLanguage(t *testing.T) {
	db := seededDB(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	writeFile(t, good, "unit,res_actual,talks\r\nshizhuang,45900,2\r\n")
	bad := filepath.Join(dir, "bad.csv")
	writeFile(t, bad, "unit,res_actual\r\nshizhuang,many\r\nxinbei,1\r\n")
	out := filepath.Join(dir, "out.csv")
	cases := [][]string{
		{"import", rugao},                                 // a usage error
		{"import", rugao, bad},                            // import problems
		{"import", rugao, good, "-dry-run"},               // success lines
		{"export", rugao, "-o", out},                      // a success line
		{"token", "revoke", "nobody"},                     // an error of the store
		{"token", "create", "--name", "x", "--role", "x"}, // an invalid value
		{"migrate", "down"},
		{"seed", "-reset"}, // an error of the flag package
		{"export", "-h"},
	}
	for _, lang := range []string{"zh-CN", "en"} {
		t.Run(lang, func(t *testing.T) {
			var got strings.Builder
			for _, args := range cases {
				env := map[string]string{"RUBRIC_DB": db, "RUBRIC_LANG": "", "LANG": "en_US.UTF-8"}
				if lang == "en" {
					args = append([]string{"-lang", "en"}, args...)
				}
				code, stdout, stderr := runCmdEnv(t, env, args...)
				got.WriteString("$ rubric " + strings.Join(args, " ") + "\n" + stdout + stderr)
				got.WriteString("exit " + string(rune('0'+code)) + "\n\n")
			}
			text := strings.NewReplacer(db, "$DB", dir, "$DIR").Replace(got.String())
			golden := filepath.Join("testdata", "cli."+lang+".golden.txt")
			if *updateGolden {
				if err := os.WriteFile(golden, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if text != string(want) {
				t.Errorf("got:\n%s\nwant (%s):\n%s", text, golden, want)
			}
		})
	}
	// The other ways to ask for a language: RUBRIC_LANG, -lang after the command, -lang=.
	for _, tt := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"RUBRIC_LANG": "en"}, []string{"import", rugao}, "rubric: import needs a scheme code and a file"},
		{map[string]string{"RUBRIC_LANG": "en"}, []string{"-lang", "zh-CN", "import", rugao}, "rubric: import 需要方案代码和文件"},
		{map[string]string{"RUBRIC_LANG": ""}, []string{"import", rugao, "-lang", "en"}, "rubric: import needs a scheme code and a file"},
		{map[string]string{"RUBRIC_LANG": ""}, []string{"import", "--lang=en", rugao}, "rubric: import needs a scheme code and a file"},
		{map[string]string{"RUBRIC_LANG": "en_US"}, []string{"import", rugao}, "rubric: import needs a scheme code and a file"},
		{map[string]string{"RUBRIC_LANG": "zh_CN"}, []string{"import", rugao}, "rubric: import 需要方案代码和文件"},
		{map[string]string{"RUBRIC_LANG": ""}, []string{"-lang", "fr", "import"}, `rubric: -lang "fr"：请使用 zh-CN 或 en`},
		{map[string]string{"RUBRIC_LANG": "de"}, []string{"import"}, `rubric: RUBRIC_LANG "de"：请使用 zh-CN 或 en`},
		{map[string]string{"RUBRIC_LANG": ""}, []string{"import", rugao, "-lang"}, "rubric: -lang 需要指定语言：zh-CN 或 en"},
	} {
		code, _, stderr := runCmdEnv(t, tt.env, tt.args...)
		if code != 2 || !strings.HasPrefix(stderr, tt.want) {
			t.Errorf("%v %s: exit %d, %q, want %q…", tt.env, strings.Join(tt.args, " "), code, stderr, tt.want)
		}
	}
}

// TestIssue13HelpLanguage: rubric -h and rubric without a command print the usage in Chinese
// by default, with the same synopses as the English usage line for line, so that every
// subcommand's -h finds its synopsis in both.
func TestIssue13HelpLanguage(t *testing.T) {
	zh, en := strings.Split(usageZH, "\n"), strings.Split(usage, "\n")
	if len(zh) != len(en) {
		t.Fatalf("usage has %d lines in Chinese, %d in English", len(zh), len(en))
	}
	for i := range en {
		if s, ok := strings.CutPrefix(en[i], "  rubric "); ok {
			syn := spaces.Split(s, 2)[0]
			if !strings.HasPrefix(zh[i], "  rubric "+syn) {
				t.Errorf("line %d: %q, want the synopsis of %q", i+1, zh[i], en[i])
			}
		}
	}
	for _, args := range [][]string{{"-h"}, {"help"}} {
		code, stdout, _ := runCmdEnv(t, map[string]string{"RUBRIC_LANG": ""}, args...)
		if code != 0 || !strings.HasPrefix(stdout, "rubric：考核评分。\n\n用法：\n") || !strings.Contains(stdout, "-lang zh-CN|en") {
			t.Errorf("%v: exit %d\n%s", args, code, stdout)
		}
	}
	if code, _, stderr := runCmdEnv(t, map[string]string{"RUBRIC_LANG": ""}); code != 2 || !strings.Contains(stderr, "用法：") {
		t.Errorf("no command: exit %d\n%s", code, stderr)
	}
	if code, stdout, _ := runCmd(t, "-h"); code != 0 || !strings.HasPrefix(stdout, "rubric scores performance assessments.") {
		t.Errorf("-lang en -h: exit %d\n%s", code, stdout)
	}
}
