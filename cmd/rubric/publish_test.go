package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/rubric-dev/rubric/schema"
)

// TestPublishAndDiffCommands publishes Rugao's final results from the command line, corrects
// 丁堰镇 with a reason, publishes again and diffs the two, as text and as a workbook.
func TestPublishAndDiffCommands(t *testing.T) {
	db := seededDB(t)
	code, stdout, stderr := runCmd(t, "publish", rugao, "-db", db, "--layer", "final", "-title", "2022年度考核结果", "-m", "经考核领导小组审定")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !regexp.MustCompile(`^published 2022年度考核结果 as publication 1 of rugao-2022-medical \(final layer, revision 1\)\nSHA-256 [0-9a-f]{64}\n$`).MatchString(stdout) {
		t.Errorf("publish printed %q", stdout)
	}
	store, err := schema.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	err = store.PatchValues(schema.WithReason(context.Background(), "复核更正"), rugao, "dingyan", schema.LayerFinal,
		map[string]any{"emp_actual": 700}, "clerk")
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCmd(t, "publish", rugao, "-db", db, "-m", "更正", "-reason", "复核后更正通报"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, stdout, stderr = runCmd(t, "diff", rugao, "1", "2", "-db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"rugao-2022-medical: publication 1 (final, revision 1) → publication 2 (final, revision 1): ",
		"  dingyan 丁堰镇: total ",
		"      enrol_bonus 职工医保扩面专项考核补助: 12600 → 14000\n",
		"values:\n  dingyan emp_actual: 630 → 700 by clerk (复核更正)\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("diff lacks %q:\n%s", want, stdout)
		}
	}
	out := filepath.Join(t.TempDir(), "diff.xlsx")
	if code, _, stderr := runCmd(t, "diff", rugao, "1", "live", "-db", db, "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// The command speaks English in these tests (RUBRIC_LANG=en): so does its workbook.
	rows, _ := f.GetRows("Values")
	if len(rows) != 2 || rows[0][1] != "Metric" || rows[1][0] != "dingyan" || rows[1][2] != "630" || rows[1][3] != "700" || rows[1][7] != "复核更正" {
		t.Errorf("sheet Values %q", rows)
	}
	zh := filepath.Join(t.TempDir(), "diff-zh.csv")
	if code, _, stderr := runCmd(t, "diff", rugao, "1", "live", "-db", db, "-lang", "zh-CN", "-o", zh); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if data, _ := os.ReadFile(zh); !strings.Contains(string(data), "第1次公布 → 当前(final)") || !strings.Contains(string(data), "\r\n数据变化\r\n单位代码,指标,原值,新值,") {
		t.Errorf("the diff as CSV in Chinese:\n%s", data)
	}
	if code, _, _ := runCmd(t, "diff", rugao, "1", "-db", db); code != 2 {
		t.Errorf("diff with one side: exit %d, want 2", code)
	}
	if code, _, stderr := runCmd(t, "diff", rugao, "1", "9", "-db", db); code == 0 || !strings.Contains(stderr, "publication 9") {
		t.Errorf("diff with publication 9: exit %d: %s", code, stderr)
	}
}
