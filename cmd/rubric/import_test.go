package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/schema"
)

func TestImportCommand(t *testing.T) {
	db := seededDB(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	writeFile(t, good, "unit,res_actual,talks\r\nshizhuang,45900,2\r\n")
	bad := filepath.Join(dir, "bad.csv")
	writeFile(t, bad, "unit,res_actual,talkz\r\nxinbei,1,\r\nshizhuang,many,\r\nshizhuang,1,\r\n")

	value := func(unit, metric string) any {
		t.Helper()
		store, err := schema.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		values, err := store.GetValues(context.Background(), rugao, unit, "")
		if err != nil {
			t.Fatal(err)
		}
		return values[metric].Value
	}

	t.Run("OK/dry run", func(t *testing.T) {
		code, stdout, stderr := runCmd(t, "import", rugao, good, "-db", db, "-dry-run")
		want := "shizhuang res_actual: (none) → 45900\n" +
			good + ": 1 units, 2 values: 1 changed, 1 unchanged (final layer of " + rugao + "; dry run, nothing saved)\n"
		if code != 0 || stdout != want {
			t.Errorf("exit %d\n%s%s\nwant\n%s", code, stdout, stderr, want)
		}
		if v := value("shizhuang", "res_actual"); v != nil {
			t.Errorf("a dry run saved res_actual %v", v)
		}
	})
	t.Run("OK/import", func(t *testing.T) {
		code, stdout, stderr := runCmd(t, "import", "--dry-run=false", rugao, good, "-db", db)
		if code != 0 || !strings.Contains(stdout, "1 changed, 1 unchanged (final layer of "+rugao+"; saved)") {
			t.Errorf("exit %d\n%s%s", code, stdout, stderr)
		}
		if v := value("shizhuang", "res_actual"); v != 45900.0 {
			t.Errorf("res_actual %v, want 45900", v)
		}
		store, err := schema.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		h, total, err := store.ValueHistory(context.Background(), rugao, schema.HistoryFilter{Unit: "shizhuang", Metric: "res_actual"}, schema.Page{Limit: 10})
		if err != nil || total != 1 || h[0].Who != "cli" || h[0].New != 45900.0 {
			t.Errorf("history %d %+v %v", total, h, err)
		}
	})
	t.Run("ErrProblems", func(t *testing.T) {
		code, stdout, stderr := runCmd(t, "import", rugao, bad, "-db", db, "-layer", "self")
		want := bad + `:1:C: unknown column "talkz": not a metric code or title of the scheme` + "\n" +
			bad + `:2:A: xinbei: unknown unit "xinbei": not on the scheme's roster` + "\n" +
			bad + `:3:B: shizhuang res_actual: expected a whole number, got "many"` + "\n" +
			bad + `:4:A: shizhuang: unit "shizhuang" appears twice: first in row 3` + "\n" +
			"rubric: " + bad + ": 4 problems, nothing saved\n"
		if code != 1 || stdout != "" || stderr != want {
			t.Errorf("exit %d\n%s%s\nwant\n%s", code, stdout, stderr, want)
		}
	})
	t.Run("ErrNotAFile", func(t *testing.T) {
		if code, _, stderr := runCmd(t, "import", rugao, filepath.Join(dir, "none.csv"), "-db", db); code != 1 || !strings.Contains(stderr, "no such file") {
			t.Errorf("exit %d: %s", code, stderr)
		}
	})
	t.Run("ErrTruncatedXLSX", func(t *testing.T) {
		path := filepath.Join(dir, "broken.xlsx")
		if err := os.WriteFile(path, []byte("PK\x03\x04 and nothing more"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runCmd(t, "import", rugao, path, "-db", db)
		if code != 1 || !strings.HasPrefix(stderr, path+": ") || !strings.Contains(stderr, "1 problem, nothing saved") {
			t.Errorf("exit %d: %s", code, stderr)
		}
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		code, _, stderr := runCmdEnv(t, map[string]string{"RUBRIC_IMPORT_LIMIT": "10"}, "import", rugao, good, "-db", db)
		if code != 1 || !strings.Contains(stderr, "larger than the import limit of 10 bytes") {
			t.Errorf("exit %d: %s", code, stderr)
		}
		if code, _, _ := runCmdEnv(t, map[string]string{"RUBRIC_IMPORT_LIMIT": "lots"}, "import", rugao, good, "-db", db); code != 2 {
			t.Errorf("a bad RUBRIC_IMPORT_LIMIT: exit %d, want 2", code)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if code, _, stderr := runCmd(t, "import", "nothing", good, "-db", db); code != 1 || !strings.Contains(stderr, `scheme "nothing" not found`) {
			t.Errorf("exit %d: %s", code, stderr)
		}
	})
	for _, args := range [][]string{{"import"}, {"import", rugao}, {"import", rugao, good, "-layer", "x"}} {
		if code, _, _ := runCmd(t, append(args, "-db", db)...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
}

func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{{"20971520", 20 << 20}, {"20MB", 20 << 20}, {"20m", 20 << 20}, {"512K", 512 << 10}, {"1G", 1 << 30}, {" 7 ", 7}} {
		if got, err := parseSize(c.in); err != nil || got != c.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"", "0", "-1", "lots", "5T", "99999G"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) accepted", in)
		}
	}
}
