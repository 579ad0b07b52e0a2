package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/rubric-dev/rubric/exchange"
)

func TestExportCommand(t *testing.T) {
	db := seededDB(t)
	dir := t.TempDir()

	t.Run("OK/json", func(t *testing.T) {
		code, stdout, stderr := runCmd(t, "export", rugao, "-db", db)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var sheet struct {
			Scheme string
			Layer  string
			Units  []struct {
				Unit  struct{ Code string }
				Total *float64
			}
		}
		if err := json.Unmarshal([]byte(stdout), &sheet); err != nil {
			t.Fatal(err)
		}
		if sheet.Scheme != rugao || sheet.Layer != "final" || len(sheet.Units) != 14 {
			t.Errorf("%s %s, %d units", sheet.Scheme, sheet.Layer, len(sheet.Units))
		}
	})
	t.Run("OK/csv by extension", func(t *testing.T) {
		out := filepath.Join(dir, "s.csv")
		code, stdout, stderr := runCmd(t, "export", rugao, "-db", db, "-o", out)
		if code != 0 || stdout != "exported the final sheet of "+rugao+" to "+out+"\n" {
			t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
		}
		data, _ := os.ReadFile(out)
		// The command speaks English in these tests (RUBRIC_LANG=en): so do the CSV's fixed titles.
		if !strings.HasPrefix(string(data), "\uFEFFUnit code,Unit name,Group,") || !strings.Contains(string(data), "\r\nshizhuang,石庄镇,镇,") {
			t.Errorf("%.300s", data)
		}
	})
	t.Run("OK/csv zh-CN", func(t *testing.T) {
		out := filepath.Join(dir, "s-zh.csv")
		if code, _, stderr := runCmd(t, "export", rugao, "-db", db, "-lang", "zh-CN", "-o", out); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		data, _ := os.ReadFile(out)
		if !strings.HasPrefix(string(data), "\uFEFF单位代码,单位名称,组别,") || !strings.Contains(string(data), ",总分,等次,排名,组内排名\r\n") {
			t.Errorf("%.300s", data)
		}
	})
	t.Run("OK/xlsx self", func(t *testing.T) {
		out := filepath.Join(dir, "s.data")
		if code, _, stderr := runCmd(t, "export", rugao, "-db", db, "--format", "xlsx", "--layer", "self", "-o", out); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		data, _ := os.ReadFile(out)
		if xlsxTotal(t, data, "dingyan") != "" {
			t.Error("the seed has no self-assessment, yet dingyan has a self total")
		}
	})
	// A workbook is labelled in the command's language: Chinese unless asked for English.
	for _, tt := range []struct {
		lang   string
		sheets []string
	}{
		{"zh-CN", []string{exchange.SheetResults, exchange.SheetErrors, exchange.SheetFormulas}},
		{"en", []string{exchange.SheetResultsEN, exchange.SheetErrorsEN, exchange.SheetFormulasEN}},
	} {
		t.Run("OK/xlsx "+tt.lang, func(t *testing.T) {
			out := filepath.Join(dir, "lang-"+tt.lang+".xlsx")
			if code, _, stderr := runCmd(t, "export", rugao, "-db", db, "-lang", tt.lang, "-o", out); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			data, _ := os.ReadFile(out)
			f, err := excelize.OpenReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got := f.GetSheetList(); !reflect.DeepEqual(got, tt.sheets) {
				t.Errorf("sheets %q, want %q", got, tt.sheets)
			}
		})
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		if code, _, stderr := runCmd(t, "export", "nothing", "-db", db); code != 1 || !strings.Contains(stderr, `scheme "nothing" not found`) {
			t.Errorf("exit %d: %s", code, stderr)
		}
	})
	for _, args := range [][]string{{"export"}, {"export", rugao, "-format", "pdf"}, {"export", rugao, "-layer", "x"}, {"export", rugao, "-bogus"}} {
		if code, _, _ := runCmd(t, append(args, "-db", db)...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
}
