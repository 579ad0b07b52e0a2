package formulas

import (
	"sort"
	"strings"
)

// suggest returns ", did you mean x?" for the known name nearest to name, or "" when none is
// near enough to be a likely typo.
func suggest(name string, known []string) string {
	sort.Strings(known)
	best, bestD := "", len(name)/2+2
	for _, k := range known {
		if len(name) >= 3 && strings.HasPrefix(k, name) {
			return ", did you mean " + k + "?"
		}
		if d := distance(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return ", did you mean " + best + "?"
}

// distance is the Damerau–Levenshtein distance (adjacent swaps count 1) between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
