package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestTemplateCommand(t *testing.T) {
	db := seededDB(t)
	dir := t.TempDir()

	t.Run("OK/xlsx", func(t *testing.T) {
		out := filepath.Join(dir, "t.xlsx")
		code, stdout, stderr := runCmd(t, "template", rugao, "-db", db, "-lang", "zh-CN", "-o", out)
		if code != 0 || stdout != "已将 "+rugao+" 的考核填报模板写入 "+out+"\n" {
			t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
		}
		f, err := excelize.OpenFile(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("填报")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3+14 || rows[2][0] != "unit" || rows[3][0] != "rucheng" {
			t.Errorf("%d rows: %q", len(rows), rows[:4])
		}
	})
	t.Run("OK/csv by extension", func(t *testing.T) {
		out := filepath.Join(dir, "t.csv")
		if code, _, stderr := runCmd(t, "template", "-db", db, "-layer", "self", "-lang", "zh-CN", "-o", out, rugao); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		data, _ := os.ReadFile(out)
		if !strings.HasPrefix(string(data), "\uFEFF单位代码,单位名称,") || !strings.Contains(string(data), "\r\ndingyan,丁堰镇,") {
			t.Errorf("%.300s", data)
		}
	})
	t.Run("OK/csv to stdout", func(t *testing.T) {
		code, stdout, _ := runCmd(t, "template", rugao, "-db", db, "--format", "csv")
		if code != 0 || !strings.HasPrefix(stdout, "\uFEFFUnit code,Unit name,") {
			t.Errorf("exit %d: %.100s", code, stdout)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		out := filepath.Join(dir, "none.xlsx")
		code, _, stderr := runCmd(t, "template", "nothing", "-db", db, "-o", out)
		if code != 1 || !strings.Contains(stderr, `scheme "nothing" not found`) {
			t.Errorf("exit %d: %s", code, stderr)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("a failed template left %s", out)
		}
	})
	for _, args := range [][]string{{"template"}, {"template", rugao, "-format", "pdf"}, {"template", rugao, "-layer", "draft"}, {"template", rugao, "other"}} {
		if code, _, _ := runCmd(t, append(args, "-db", db)...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
}
