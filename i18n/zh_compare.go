package i18n

// exchange: the comparison of two sheets as CSV and XLSX (exchange/compare.go). In a file of
// its own so that other areas' additions merge cleanly.
func init() { add(zhCompare) }

var zhCompare = map[string]string{
	"Comparison":              "对比",
	"Cells that differ":       "分项差异",
	"%s: %s compared with %s": "%s：%s与%s对比",
	"publication %d":          "第%d次公布",
	"Total (%s)":              "%s总分",
	"Grade (%s)":              "%s等次",
	"Rank (%s)":               "%s排名",
	"Difference":              "差值",
	"Differs in":              "差异",
	"Item":                    "项目",
	"grade":                   "等次",
	", ":                      "、",
}
