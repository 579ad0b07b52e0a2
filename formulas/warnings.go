package formulas

import (
	"fmt"
	"strconv"
)

// Kinds of warnings.
const (
	WarnCategoryPoints = "category_points" // a category's max_points differs from its children's
	WarnTotalPoints    = "total_points"    // top-level score items don't add up to total_points
)

// schemeWarnings lists what a valid scheme should still have looked at.
func schemeWarnings(s *Scheme) []Warning {
	var ws []Warning
	var walk func(items []Item)
	walk = func(items []Item) {
		for i := range items {
			it := &items[i]
			if len(it.Children) == 0 {
				continue
			}
			sum, ok := childPoints(it.Children)
			if ok && it.MaxPoints != nil && compare(sum, *it.MaxPoints) != 0 {
				ws = append(ws, Warning{Kind: WarnCategoryPoints, Item: it.Code, Message: fmt.Sprintf(
					warningFormats[WarnCategoryPoints], it.Code, fmtNum(*it.MaxPoints), fmtNum(sum))})
			}
			walk(it.Children)
		}
	}
	walk(s.Items)
	if s.TotalPoints > 0 {
		sum, ok := childPoints(s.Items)
		if ok && compare(sum, s.TotalPoints) != 0 {
			ws = append(ws, Warning{Kind: WarnTotalPoints, Message: fmt.Sprintf(
				warningFormats[WarnTotalPoints], fmtNum(s.TotalPoints), fmtNum(sum))})
		}
	}
	return ws
}

// childPoints adds the max_points of score items; ok is false if one has none.
func childPoints(items []Item) (float64, bool) {
	sum := 0.0
	for i := range items {
		if items[i].ItemKind() != KindScore {
			continue
		}
		if items[i].MaxPoints == nil {
			return 0, false
		}
		sum += *items[i].MaxPoints
	}
	return canon(sum), true
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
