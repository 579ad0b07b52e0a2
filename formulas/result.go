package formulas

// Result is one row of an evaluated sheet: every cell of one unit, its total, grade and ranks.
// Total, Grade, Rank and GroupRank are nil when the unit is incomplete.
type Result struct {
	Unit      Unit              `json:"unit"`
	Complete  bool              `json:"complete"`
	Missing   []string          `json:"missing"`
	Cells     map[string]any    `json:"cells"`
	Errors    map[string]string `json:"errors"`
	Total     *float64          `json:"total"`
	Grade     *string           `json:"grade"`
	Rank      *int              `json:"rank"`
	GroupRank *int              `json:"group_rank"`
	Vetoed    bool              `json:"vetoed,omitempty"`

	order []string // the cells' codes in column order, for MarshalJSON
}

// Warning is something a valid scheme should still have looked at, such as items whose
// points don't add up to the stated total.
type Warning struct {
	Kind    string `json:"kind"`
	Item    string `json:"item,omitempty"`
	Message string `json:"message"`
}
