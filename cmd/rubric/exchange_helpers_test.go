package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

// rugao is the seed scheme the exchange subcommands are tried on; shizhuang is its unit
// without res_actual (incomplete).
const rugao = "rugao-2022-medical"

// seededDB is a fresh database file with every seed scheme.
func seededDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "rubric.db")
	if code, stdout, stderr := runCmd(t, "seed", "-db", db); code != 0 {
		t.Fatalf("seed: exit %d\n%s%s", code, stdout, stderr)
	}
	return db
}

// runCmdEnv runs one command line in process with an environment, in English unless the
// environment sets RUBRIC_LANG.
func runCmdEnv(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string {
		if v, ok := env[k]; ok || k != "RUBRIC_LANG" {
			return v
		}
		return "en"
	}
	code := run(context.Background(), args, &stdout, &stderr, getenv)
	return code, stdout.String(), stderr.String()
}

// fillTemplate sets values in a template workbook: unit code → metric code → value, found by
// the template's row of codes and its column of unit codes.
func fillTemplate(t *testing.T, data []byte, values map[string]map[string]any) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0) // 填报 or Values: the template's values sheet comes first
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	cols := map[string]int{}
	for j, c := range rows[2] { // the hidden row of codes
		cols[c] = j + 1
	}
	for i, row := range rows {
		if len(row) == 0 {
			continue
		}
		for metric, v := range values[row[0]] {
			ref, err := excelize.CoordinatesToCellName(cols[metric], i+1)
			if err != nil || cols[metric] == 0 {
				t.Fatalf("no column %q in the template", metric)
			}
			if err := f.SetCellValue(sheet, ref, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// xlsxTotal reads a unit's 总分 from a results workbook: "" when it has none.
func xlsxTotal(t *testing.T, data []byte, unit string) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open the workbook: %v", err)
	}
	defer f.Close()
	// The results sheet comes first, named in the command's language (考核结果 or Results).
	rows, err := f.GetRows(f.GetSheetList()[0], excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for _, head := range rows[2:4] { // under the two title rows
		for j, c := range head {
			if c == "总分" || c == "Total" {
				col = j
			}
		}
	}
	if col < 0 {
		t.Fatalf("no 总分 column in %q", rows[2:4])
	}
	for _, row := range rows[4:] {
		if len(row) > 0 && row[0] == unit {
			if col < len(row) {
				return row[col]
			}
			return ""
		}
	}
	t.Fatalf("no row of %s", unit)
	return ""
}

func formatTotal(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
