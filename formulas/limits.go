package formulas

// Limits bound what one scheme may ask of the engine, so that no document or formula can
// exhaust the server. Formulas have no loops (map, filter and ranges are not part of the
// formula language), so a formula's cost is bounded by its size.
const (
	// MaxFormulaLength is the longest formula, in bytes.
	MaxFormulaLength = 4000
	// MaxFormulaNodes is the largest formula, in syntax-tree nodes.
	MaxFormulaNodes = 1000
	// MaxColumns is the most metrics, items (categories included) and outputs of a scheme.
	MaxColumns = 5000
	// MaxDepth is the deepest nesting of categories.
	MaxDepth = 8
	// MaxTextLength is the longest text a formula may build, in bytes: outputs that each join
	// the previous one to itself would otherwise double a text per column.
	MaxTextLength = 64 << 10
)
