package rubric_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// requireTools reports whether a missing tool fails the test (in CI, .ci/run sets
// RUBRIC_REQUIRE_TOOLS=1) or skips it (a developer without Node.js or the network).
func requireTools(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("RUBRIC_REQUIRE_TOOLS") != "" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// run runs a command in dir and fails the test with its output if it fails.
func run(t *testing.T, dir string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// goClientCheck makes the compiler check what a Go client generated from openapi.yaml is
// like: numbers are float64 (never float32, which turned 9.2 into 9.199999809265137),
// integers int64, a cell a union of number, boolean and text, a change's old/new typed, the
// YAML of a scheme a string, and the headers a client sends declared.
const goClientCheck = `package client

func _(c Column, s SchemeDocument, m Metric, r UnitResult, ch Change, ex CellExplanation, p GetResultsParams, d DeleteUnitParams, y GetSchemeResponse) {
	var _ *float64 = c.MaxPoints
	var _ int64 = c.Depth
	var _ *float64 = s.TotalPoints
	var _ *float64 = m.Min
	var _ *float64 = r.Total
	var _ *int64 = r.Rank
	_, _ = ex.Value.AsCellValue0()
	_, _ = ch.Old.AsChangeState3()
	var _ *[]string = p.Units
	var _ *string = d.XReason
	var _ *any = y.YAML200
}
`

// goClientParse runs the generated client's parsing of answers as the server sends them: a
// scheme's YAML (a mapping, which a YAML decoder cannot put into a string) and a JSON number
// that float32 would not keep.
const goClientParse = `package client

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func answer(contentType, body string) *http.Response {
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {contentType}}, Body: io.NopCloser(strings.NewReader(body))}
}

func TestParse(t *testing.T) {
	doc := "code: rugao-2022-medical\ntitle: 2022年医疗保障工作考核办法\nmetrics:\n  - code: cases\n    type: integer\n"
	y, err := ParseGetSchemeResponse(answer("application/yaml; charset=utf-8", doc))
	if err != nil {
		t.Fatalf("the YAML of a scheme: %v", err)
	}
	if string(y.Body) != doc || y.YAML200 == nil {
		t.Errorf("YAML answer: body %q, decoded %v", y.Body, y.YAML200)
	}
	j, err := ParseGetSchemeResponse(answer("application/json", ` + "`" + `{"code":"x","title":"X","total_points":9.2,"metrics":[],"items":[]}` + "`" + `))
	if err != nil {
		t.Fatalf("the JSON of a scheme: %v", err)
	}
	if j.JSON200 == nil || j.JSON200.TotalPoints == nil || *j.JSON200.TotalPoints != 9.2 {
		t.Errorf("total_points read back as %v, want 9.2", j.JSON200)
	}
}
`

// TestGeneratedGoClient generates a Go client from openapi.yaml with oapi-codegen (the version
// pinned in .ci/clients/go.mod) and compiles it with goClientCheck.
func TestGeneratedGoClient(t *testing.T) {
	if testing.Short() {
		t.Skip("generating and compiling a client takes a while")
	}
	spec, err := filepath.Abs("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(".ci", "clients", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command("go", "-C", dir, "mod", "download").CombinedOutput(); err != nil {
		requireTools(t, "oapi-codegen cannot be downloaded (offline?): %v\n%s", err, out)
	}
	if err := os.Mkdir(filepath.Join(dir, "client"), 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, dir, "go", "tool", "oapi-codegen", "-generate", "types,client", "-package", "client", "-o", "client/client.gen.go", spec)
	if err := os.WriteFile(filepath.Join(dir, "client", "check.go"), []byte(goClientCheck), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "client", "parse_test.go"), []byte(goClientParse), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, dir, "go", "vet", "./...")
	run(t, dir, "go", "test", "-count=1", "./...")
}

// tsClientCheck makes the TypeScript compiler check the types openapi-typescript generates:
// a cell is number | boolean | string | null, a change's old/new is typed, units is a list,
// and a scheme's YAML is a string.
const tsClientCheck = `import type { components, operations } from "./schema";

type Cell = components["schemas"]["CellValue"];
const cells: Cell[] = [14.7, true, "一等奖", null];
const old: components["schemas"]["Change"]["old"] = { formula: "0.2 * ceil(below(res_rate, 100))" };
type ResultsQuery = NonNullable<operations["getResults"]["parameters"]["query"]>;
const q: ResultsQuery = { units: ["rucheng", "dingyan"], layer: "self" };
const yaml: operations["getScheme"]["responses"][200]["content"]["application/yaml"] = "code: x\n";
const depth: components["schemas"]["Column"]["depth"] = 0;
export { cells, old, q, yaml, depth };
`

// TestGeneratedTypeScriptClient generates TypeScript types from openapi.yaml with
// openapi-typescript and compiles them with tsc (both pinned in .ci/package-lock.json;
// .ci/run installs them with npm ci).
func TestGeneratedTypeScriptClient(t *testing.T) {
	bin, err := filepath.Abs(filepath.Join(".ci", "node_modules", ".bin"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		requireTools(t, "node is not installed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(bin, "openapi-typescript")); err != nil {
		requireTools(t, "openapi-typescript is not installed: run npm ci in .ci (%v)", err)
	}
	dir := t.TempDir()
	run(t, ".", filepath.Join(bin, "openapi-typescript"), "openapi.yaml", "-o", filepath.Join(dir, "schema.d.ts"))
	if err := os.WriteFile(filepath.Join(dir, "check.ts"), []byte(tsClientCheck), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, dir, filepath.Join(bin, "tsc"), "--noEmit", "--strict", "--target", "es2022", "--module", "es2022", "--moduleResolution", "bundler", "check.ts")
}
