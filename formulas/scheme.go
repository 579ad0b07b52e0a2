package formulas

// Scheme is an assessment scheme (考核方案) as the engine reads it: metrics, a tree of items
// with formulas, outputs, grade bands, groups, params and an optional veto. It is also the body
// of the scheme document (see DESIGN.md): package schema decodes documents into it.
type Scheme struct {
	Code        string             `json:"code" yaml:"code"`
	Title       string             `json:"title" yaml:"title"`
	Period      string             `json:"period,omitempty" yaml:"period,omitempty"`
	Issuer      string             `json:"issuer,omitempty" yaml:"issuer,omitempty"`
	TotalPoints float64            `json:"total_points" yaml:"total_points"`
	Precision   *int               `json:"precision,omitempty" yaml:"precision,omitempty"`
	Grades      []Grade            `json:"grades,omitempty" yaml:"grades,omitempty"`
	Groups      []string           `json:"groups,omitempty" yaml:"groups,omitempty"`
	Params      map[string]float64 `json:"params,omitempty" yaml:"params,omitempty"`
	Attributes  []Attribute        `json:"attributes,omitempty" yaml:"attributes,omitempty"`
	Metrics     []Metric           `json:"metrics" yaml:"metrics"`
	Items       []Item             `json:"items" yaml:"items"`
	Outputs     []Output           `json:"outputs,omitempty" yaml:"outputs,omitempty"`
	Veto        *Veto              `json:"veto,omitempty" yaml:"veto,omitempty"`
	Revision    int                `json:"revision,omitempty" yaml:"revision,omitempty"`
}

// DefaultPrecision is the number of decimals of a point cell when a scheme sets none.
const DefaultPrecision = 2

// Decimals is the scheme's precision: the number of decimals every point cell is rounded to.
func (s *Scheme) Decimals() int {
	if s.Precision == nil {
		return DefaultPrecision
	}
	return *s.Precision
}

// Grade is a grade band: a total of at least Min, or above Above (exclusive: "75分（含）以下为
// 不合格" makes the next band {above: 75}), gets Label. A band sets exactly one of the two.
// Bands are listed from the highest; a total below every band gets the lowest.
type Grade struct {
	Min   *float64 `json:"min,omitempty" yaml:"min,omitempty"`
	Above *float64 `json:"above,omitempty" yaml:"above,omitempty"`
	Label string   `json:"label" yaml:"label"`
}

// Attribute declares a unit attribute that formulas may read as unit.attrs.<code>.
type Attribute struct {
	Code  string `json:"code" yaml:"code"`
	Title string `json:"title,omitempty" yaml:"title,omitempty"`
	Type  string `json:"type" yaml:"type"`
}

// Types of metrics and attributes.
const (
	TypeNumber  = "number"
	TypeInteger = "integer"
	TypeBoolean = "boolean"
	TypeText    = "text"
)

// Metric is an input column: one figure each unit reports (or an assessor enters).
type Metric struct {
	Code        string   `json:"code" yaml:"code"`
	Title       string   `json:"title" yaml:"title"`
	Type        string   `json:"type" yaml:"type"`
	Unit        string   `json:"unit,omitempty" yaml:"unit,omitempty"`
	Min         *float64 `json:"min,omitempty" yaml:"min,omitempty"`
	Max         *float64 `json:"max,omitempty" yaml:"max,omitempty"`
	Default     any      `json:"default,omitempty" yaml:"default,omitempty"`
	Description string   `json:"description,omitempty" yaml:"description,omitempty"`
}

// Kinds of items.
const (
	KindScore     = "score"
	KindBonus     = "bonus"
	KindDeduction = "deduction"
)

// Item is a row of the rubric document and a column of the sheet. A leaf has a formula; an
// item with children is a category whose value is Σ score and bonus children − Σ deductions.
type Item struct {
	Code      string   `json:"code" yaml:"code"`
	Title     string   `json:"title" yaml:"title"`
	Kind      string   `json:"kind,omitempty" yaml:"kind,omitempty"`
	MaxPoints *float64 `json:"max_points,omitempty" yaml:"max_points,omitempty"`
	Formula   string   `json:"formula,omitempty" yaml:"formula,omitempty"`
	Criteria  string   `json:"criteria,omitempty" yaml:"criteria,omitempty"`
	Evidence  string   `json:"evidence,omitempty" yaml:"evidence,omitempty"`
	Children  []Item   `json:"children,omitempty" yaml:"children,omitempty"`
}

// ItemKind is the item's kind, score when none is set.
func (it *Item) ItemKind() string {
	if it.Kind == "" {
		return KindScore
	}
	return it.Kind
}

// Output is a named formula that is not points: a completion rate, an award, a fee.
type Output struct {
	Code        string `json:"code" yaml:"code"`
	Title       string `json:"title" yaml:"title"`
	Unit        string `json:"unit,omitempty" yaml:"unit,omitempty"`
	Precision   *int   `json:"precision,omitempty" yaml:"precision,omitempty"`
	Formula     string `json:"formula" yaml:"formula"`
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	// Layers, when set, are the layers the output is computed on (final, self): a fee paid on
	// the assessor's score only is [final], and its cell on the self layer is null.
	Layers []string `json:"layers,omitempty" yaml:"layers,omitempty"`
}

// Veto is the one-vote veto (一票否决): where Formula is true the unit's total is 0.
type Veto struct {
	Formula string `json:"formula" yaml:"formula"`
	Label   string `json:"label,omitempty" yaml:"label,omitempty"`
}

// Unit is an assessed unit (被考核单位): a town, a district, a service centre.
type Unit struct {
	Code  string         `json:"code" yaml:"code"`
	Name  string         `json:"name" yaml:"name"`
	Group string         `json:"group,omitempty" yaml:"group,omitempty"`
	Attrs map[string]any `json:"attrs,omitempty" yaml:"attrs,omitempty"`
}

// Row is one unit with its metric values (metric code → float64, int, bool or string), the
// input of one row of the sheet. A metric absent from Values is missing (its default applies).
type Row struct {
	Unit   Unit
	Values map[string]any
}
