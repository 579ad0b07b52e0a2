// Package formulas is rubric's scoring engine: it compiles a scheme (metrics, a tree of items
// with expr-lang formulas, outputs, grade bands) and evaluates every cell of the sheet for
// every unit. It is a pure library: it imports expr and the standard library only.
package formulas
