package i18n

// exchange: the fill-in template (exchange/template.go) and the diff of two sheets as CSV and
// XLSX (exchange/diff.go). In a file of its own so that other areas' additions merge cleanly.
func init() { add(zhTemplate) }

var zhTemplate = map[string]string{
	// The template.
	"%s — %s data entry (revision %d)": "%s — %s数据填报（修订 %d）",
	"Data entry template":              "数据填报模板",
	"Choose %s or %s.":                 "请选择“%s”或“%s”。",
	"Text too long":                    "文本过长",
	"At most %d characters.":           "最多 %d 个字符。",
	"number":                           "数值",
	"whole number":                     "整数",
	"Enter a %s.":                      "请输入%s。",
	"Enter a %s in %s.":                "请输入%s，范围 %s。",
	"range %s":                         "范围 %s",
	"How to fill in":                   "填写说明",
	"1. On the sheet %s, each unit has a row and each metric a column; the unit codes and names cannot be changed.":                                                       "1. 在“%s”表中每个单位一行、每项指标一列填写数据；单位代码和名称不可修改。",
	"2. An empty cell means the metric is not reported; it deletes nothing already entered.":                                                                              "2. 留空表示不填报该项，不会删除已有数据。",
	"3. Numbers and whole numbers must be within the range listed below; yes/no items take %s or %s.":                                                                     "3. 数值、整数须在下表所列范围内；是/否项填写“%s”或“%s”。",
	"4. The sheet may also be saved as CSV (UTF-8 or GBK) and imported; a file with any error is not imported at all, and every error is listed with its row and column.": "4. 可另存为 CSV（UTF-8 或 GBK 均可）导入；有任何错误时整个文件不导入，并列出每个错误的行、列。",
	"Title":       "名称",
	"Type":        "类型",
	"Range":       "范围",
	"Default":     "默认值",
	"Description": "说明",

	// The diff.
	"Old total":         "原总分",
	"New total":         "新总分",
	"Change":            "变化",
	"Old grade":         "原等次",
	"New grade":         "新等次",
	"Old rank":          "原排名",
	"New rank":          "新排名",
	"Old rank in group": "原组内排名",
	"New rank in group": "新组内排名",
	"What changed":      "变化明细",
	"Metric":            "指标",
	"Old value":         "原值",
	"New value":         "新值",
	"Old note":          "原说明",
	"New note":          "新说明",
	"Changed by":        "修改人",
	"Reason":            "原因",
	"Time":              "时间",
	"Target":            "对象",
	"Action":            "操作",
	"Revision":          "修订",
	"Old":               "原",
	"New":               "新",
	"current (%s)":      "当前(%s)",
	"empty":             "空",
}
