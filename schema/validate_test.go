package schema

import (
	"reflect"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
)

func ptr[T any](v T) *T { return &v }

func TestValidate(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		doc := mustLoadDoc(t)
		warnings, err := Validate(doc)
		if err != nil {
			t.Fatal(err)
		}
		if len(warnings) != 0 {
			t.Errorf("warnings = %v", warnings)
		}
		// Defaults and declared attributes are normalized.
		if d := doc.Metrics[3].Default; d != 0.0 {
			t.Errorf("late_reports default = %#v, want float64 0", d)
		}
		if p := doc.Units[0].Attrs["population"]; p != 1200000.0 {
			t.Errorf("population = %#v, want float64", p)
		}
	})
	t.Run("OKWarnings", func(t *testing.T) {
		doc := mustLoadDoc(t)
		doc.TotalPoints = 100
		warnings, err := Validate(doc)
		if err != nil {
			t.Fatal(err)
		}
		want := []formulas.Warning{{Kind: formulas.WarnTotalPoints,
			Message: "the scheme states 100 points but its top-level score items add up to 20"}}
		if !reflect.DeepEqual(warnings, want) {
			t.Errorf("warnings = %#v, want %#v", warnings, want)
		}
	})
	t.Run("OKNoRoster", func(t *testing.T) {
		doc := mustLoadDoc(t)
		doc.Units, doc.Values = nil, nil
		if _, err := Validate(doc); err != nil {
			t.Fatal(err)
		}
	})

	tests := []struct {
		name   string
		change func(d *Document)
		want   []string // every problem, whole
	}{
		{"ErrCodeRequired", func(d *Document) { d.Code = "" }, []string{"code: code is required"}},
		{"ErrSchemeCode", func(d *Document) { d.Code = "Test medical" }, []string{
			`code: "Test medical" is not a valid scheme code: use lower-case letters, digits and "-", starting with a letter`}},
		{"ErrSchemeCodeUnderscore", func(d *Document) { d.Code = "test_medical" }, []string{
			`code: "test_medical" is not a valid scheme code: use lower-case letters, digits and "-", starting with a letter`}},
		{"ErrSchemeCodeLong", func(d *Document) { d.Code = strings.Repeat("a", 65) }, []string{
			"code: code is longer than 64 characters"}},
		{"ErrTitle", func(d *Document) { d.Title = " " }, []string{"title: title is required"}},
		{"ErrTotalPoints", func(d *Document) { d.TotalPoints = -1 }, []string{"total_points: total_points -1 must be a number ≥ 0"}},
		{"ErrPrecisionHigh", func(d *Document) { d.Precision = ptr(7) }, []string{"precision: precision 7 is out of range 0..6"}},
		{"ErrPrecisionLow", func(d *Document) { d.Precision = ptr(-1) }, []string{"precision: precision -1 is out of range 0..6"}},
		{"ErrGradesOrder", func(d *Document) { d.Grades[1] = formulas.MinGrade(20, d.Grades[1].Label) }, []string{
			"grades[1].min: min 20 is not below the previous band's 18: list bands from the highest"}},
		{"ErrGradesEqual", func(d *Document) { d.Grades[2] = formulas.MinGrade(12, d.Grades[2].Label) }, []string{
			"grades[2].min: min 12 is not below the previous band's 12: list bands from the highest"}},
		{"ErrGradeBothBounds", func(d *Document) { d.Grades[1].Above = d.Grades[1].Min }, []string{
			"grades[1].above: a band sets min (at least) or above (the bound excluded), not both"}},
		{"ErrGradeNoBound", func(d *Document) { d.Grades[1].Min = nil }, []string{
			"grades[1].min: min (at least) or above (the bound excluded) is required"}},
		{"ErrGradeAboveNotBelow", func(d *Document) { d.Grades[1] = formulas.AboveGrade(18, d.Grades[1].Label) }, []string{
			"grades[1].above: above 18 is not below the previous band's 18: list bands from the highest"}},
		{"ErrGradeAboveAfterEqualAbove", func(d *Document) {
			d.Grades[1] = formulas.AboveGrade(12, d.Grades[1].Label)
			d.Grades[2] = formulas.AboveGrade(12, d.Grades[2].Label)
		}, []string{"grades[2].above: above 12 is not below the previous band's above 12: list bands from the highest"}},
		{"ErrGradeLabel", func(d *Document) { d.Grades[0].Label = "" }, []string{"grades[0].label: label is required"}},
		{"ErrGroupTwice", func(d *Document) { d.Groups = append(d.Groups, "镇") }, []string{`groups[2]: group "镇" is listed twice`}},
		{"ErrGroupEmpty", func(d *Document) { d.Groups = append(d.Groups, "") }, []string{"groups[2]: a group needs a name"}},
		{"ErrParamName", func(d *Document) { d.Params["per-head"] = 1 }, []string{
			`params.per-head: "per-head" is not a valid param name: use letters, digits and "_"`}},
		{"ErrAttribute", func(d *Document) {
			d.Attributes = append(d.Attributes, formulas.Attribute{Code: "population", Type: "float"})
		}, []string{`attributes[1].code: attribute "population" is declared twice`,
			`attributes[1].type: type "float" must be number, integer, boolean or text`}},
		{"ErrMetricCode", func(d *Document) { d.Metrics[0].Code = "Res" }, []string{
			`metrics[0].code: "Res" is not a valid code: use lower-case letters, digits and "_", starting with a letter`}},
		{"ErrMetricCodeDigit", func(d *Document) { d.Metrics[0].Code = "1st" }, []string{
			`metrics[0].code: "1st" is not a valid code: use lower-case letters, digits and "_", starting with a letter`}},
		{"ErrReserved", func(d *Document) {
			d.Metrics[0].Code = "total"
			d.Metrics[1].Code = "len"
			d.Items[0].Code = "rank"
			d.Items[0].Children[0].Code = "group_rank"
			d.Items[1].Code = "string"
			d.Outputs[0].Code = "clamp"
			d.Outputs[1].Code = "unit"
		}, []string{`metrics[0].code: "total" is a reserved name`, `metrics[1].code: "len" is a reserved name`,
			`items[0].code: "rank" is a reserved name`, `items[0].children[0].code: "group_rank" is a reserved name`,
			`items[1].code: "string" is a reserved name`, `outputs[0].code: "clamp" is a reserved name`,
			`outputs[1].code: "unit" is a reserved name`}},
		{"ErrDuplicateCode", func(d *Document) {
			d.Items[0].Children[0].Code = "res_target"
			d.Outputs[1].Code = "reports"
			d.Metrics[4].Code = "res_actual"
		}, []string{`metrics[4].code: code "res_actual" is already used by metrics[1]`,
			`items[0].children[0].code: code "res_target" is already used by metrics[0]`,
			`outputs[1].code: code "reports" is already used by items[1]`}},
		{"ErrMetricTitle", func(d *Document) { d.Metrics[2].Title = "" }, []string{"metrics[2].title: title is required"}},
		{"ErrMetricType", func(d *Document) { d.Metrics[0].Type = "float" }, []string{
			`metrics[0].type: type "float" must be number, integer, boolean or text`}},
		{"ErrMetricTypeMissing", func(d *Document) { d.Metrics[0].Type = "" }, []string{
			"metrics[0].type: type is required: number, integer, boolean or text"}},
		{"ErrMinMax", func(d *Document) { d.Metrics[3].Min, d.Metrics[3].Max = ptr(10.0), ptr(5.0) }, []string{
			"metrics[3].max: max 5 is below min 10"}},
		{"ErrMinOnBoolean", func(d *Document) { d.Metrics[2].Min = ptr(0.0) }, []string{
			"metrics[2]: min and max apply to number and integer metrics only"}},
		{"ErrDefaultType", func(d *Document) { d.Metrics[3].Default = "none" }, []string{
			`metrics[3].default: expected a whole number, got text "none"`}},
		{"ErrDefaultRange", func(d *Document) { d.Metrics[3].Default = 13 }, []string{
			"metrics[3].default: 13 is above the maximum 12"}},
		{"ErrItemTitle", func(d *Document) { d.Items[2].Title = "" }, []string{"items[2].title: title is required"}},
		{"ErrItemKind", func(d *Document) { d.Items[2].Kind = "penalty" }, []string{
			`items[2].kind: kind "penalty" must be score, bonus or deduction`}},
		{"ErrMaxPoints", func(d *Document) { d.Items[0].Children[0].MaxPoints = ptr(-0.5) }, []string{
			"items[0].children[0].max_points: max_points -0.5 must be a number ≥ 0"}},
		{"ErrLeafFormula", func(d *Document) { d.Items[1].Formula = " " }, []string{
			"items[1].formula: formula is required: a leaf item is scored by its formula"}},
		{"ErrCategoryFormula", func(d *Document) { d.Items[0].Formula = "1" }, []string{
			"items[0].formula: a category (an item with children) has no formula: it is the sum of its children"}},
		{"ErrOutput", func(d *Document) { d.Outputs[0].Formula, d.Outputs[0].Title = "", "" }, []string{
			"outputs[0].title: title is required", "outputs[0].formula: formula is required"}},
		{"ErrVeto", func(d *Document) { d.Veto = &formulas.Veto{Label: "一票否决"} }, []string{"veto.formula: formula is required"}},
		{"ErrUnit", func(d *Document) {
			d.Units[1].Code = "-dong"
			d.Units[2].Name = ""
			d.Units[2].Group = "乡"
			d.Units = append(d.Units, formulas.Unit{Code: "xinbei", Name: "again", Attrs: map[string]any{"population": "many"}})
		}, []string{`units[1].code: "-dong" is not a valid unit code: use letters, digits, "-", "_" and ".", starting with a letter or digit`,
			"units[2].name: name is required",
			`units[2].group: group "乡" is not one of the scheme's groups: 主功能区, 镇`,
			`units[3].attrs.population: expected a whole number, got text "many"`,
			`units[3].code: unit "xinbei" is listed twice`,
			`values.final.dongcheng: unknown unit "dongcheng"`}},
		{"ErrUnitGroupNoGroups", func(d *Document) { d.Groups = nil }, []string{
			`units[0].group: group "主功能区" is set but the scheme has no groups`,
			`units[1].group: group "镇" is set but the scheme has no groups`,
			`units[2].group: group "镇" is set but the scheme has no groups`}},
		{"ErrValues", func(d *Document) {
			d.Values["draft"] = map[string]map[string]any{}
			d.Values[LayerFinal]["nowhere"] = map[string]any{"res_actual": 1}
			d.Values[LayerFinal]["xicheng"] = map[string]any{
				"res_target": -1, "res_actual": 2.5, "rate_ok": "yes", "remark": 3, "unknown": 1,
				"late_reports": map[string]any{"value": 1, "note": 2}}
			d.Values[LayerSelf]["dongcheng"] = map[string]any{"late_reports": map[string]any{"value": 13, "why": "x"}}
		}, []string{`values.draft: unknown layer "draft": use final or self`,
			`values.final.nowhere: unknown unit "nowhere"`,
			"values.final.xicheng.late_reports: note: expected text, got 2",
			`values.final.xicheng.rate_ok: expected true or false, got text "yes"`,
			"values.final.xicheng.remark: expected text, got 3",
			"values.final.xicheng.res_actual: expected a whole number, got 2.5",
			"values.final.xicheng.res_target: -1 is below the minimum 0",
			`values.final.xicheng.unknown: unknown metric "unknown"`,
			`values.self.dongcheng.late_reports: unknown field "why": a value is a number, a boolean, text or {value, note}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := mustLoadDoc(t)
			tt.change(doc)
			warnings, err := Validate(doc)
			if warnings != nil {
				t.Errorf("warnings = %v, want none with an error", warnings)
			}
			if ErrorKind(err) != Invalid {
				t.Fatalf("err = %v, want Invalid", err)
			}
			got := problemStrings(t, err)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if want := strings.Join(tt.want, "; "); ErrorMessage(err) != want {
				t.Errorf("message = %q, want %q", ErrorMessage(err), want)
			}
		})
	}
}

func TestValidateFormulas(t *testing.T) {
	t.Run("ErrFormulasTogether", func(t *testing.T) {
		doc := mustLoadDoc(t)
		doc.Items[1].Formula = "10 - late_reprots"
		doc.Outputs[1].Formula = "res_actul * params.fee"
		_, err := Validate(doc)
		if ErrorKind(err) != Invalid {
			t.Fatalf("err = %v, want Invalid", err)
		}
		e := err.(*Error)
		if len(e.Problems) != 0 {
			t.Errorf("problems = %v, want none", e.Problems)
		}
		if len(e.Errors) != 2 {
			t.Fatalf("errors = %v, want 2", e.Errors)
		}
		items := map[string]*formulas.Error{}
		for _, fe := range e.Errors {
			items[fe.Item] = fe
			if fe.Line != 1 || fe.Column < 1 || fe.Message == "" {
				t.Errorf("error %+v has no position or message", fe)
			}
		}
		if fe := items["reports"]; fe == nil || !strings.Contains(fe.Message, "late_reprots") {
			t.Errorf("no error naming late_reprots for item reports: %v", e.Errors)
		}
		if fe := items["award"]; fe == nil || !strings.Contains(fe.Message, "res_actul") {
			t.Errorf("no error naming res_actul for output award: %v", e.Errors)
		}
		if !strings.Contains(e.Message, "late_reprots") {
			t.Errorf("message %q does not name late_reprots", e.Message)
		}
	})
	t.Run("ErrStructureFirst", func(t *testing.T) {
		// A structural problem of the scheme stops before the formulas are compiled.
		doc := mustLoadDoc(t)
		doc.Items[1].Formula = "10 - late_reprots"
		doc.Title = ""
		_, err := Validate(doc)
		if e, ok := err.(*Error); !ok || len(e.Problems) != 1 || len(e.Errors) != 0 {
			t.Errorf("err = %#v, want one problem and no formula errors", err)
		}
	})
	t.Run("ErrValuesAndFormulas", func(t *testing.T) {
		// Problems of units and values do not stop the formulas from being compiled.
		doc := mustLoadDoc(t)
		doc.Items[1].Formula = "10 - late_reprots"
		doc.Units[0].Group = "乡"
		_, err := Validate(doc)
		if e, ok := err.(*Error); !ok || len(e.Problems) != 1 || len(e.Errors) != 1 {
			t.Errorf("err = %#v, want one problem and one formula error", err)
		}
	})
}
