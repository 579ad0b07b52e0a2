package i18n

// conflicts lists the formats that two parts of the catalogue translate differently; a test
// keeps it empty, since the translation used would depend on the order of init.
var conflicts []string

// add merges one area's part of the catalogue (zh_*.go) into zh.
func add(part map[string]string) {
	for en, zhFormat := range part {
		if old, ok := zh[en]; ok && old != zhFormat {
			conflicts = append(conflicts, en)
		}
		zh[en] = zhFormat
	}
}

// zh is the catalogue: English format → Simplified Chinese format, with the same verbs in the
// same order (explicit indexes such as %[2]s where Chinese orders them differently).
var zh = map[string]string{
	// Explanations (formulas/explain.go).
	"raw %s, set to 0 by the veto (%s)":            "原始得分 %s，因一票否决（%s）计为 0",
	"raw %s, floor 0 of a %s item":                 "原始得分 %s，%s扣完为止，计为 0",
	"raw %s, capped at max_points %s of a %s item": "原始得分 %s，超过%[3]s上限 %[2]s 分，按 %[2]s 分计",
	"%s rounded half away from zero to %s":         "%s 四舍五入为 %s",
	"%s = %s":                                      "%s = %s",
	"error: %s":                                    "错误：%s",
	"no value: %s":                                 "无值：%s",
	"score":                                        "得分项",
	"bonus":                                        "加分项",
	"deduction":                                    "扣分项",
	"veto":                                         "一票否决",
	"no value (nil)":                               "无值",
	"the unit is incomplete":                       "该单位数据不全",
	"needs %s":                                     "缺少 %s",

	// Import problems (exchange/values.go).
	"column %q repeats metric %s, already in column %s":                                        "列 %q 重复了指标 %s（已在 %s 列）",
	"column %q matches several metrics (%s): use the metric code":                              "列 %q 对应多个指标（%s）：请使用指标代码",
	"unknown column %q: not a metric code or title of the scheme":                              "未知的列 %q：不是本方案的指标代码或名称",
	"unknown unit %q: not on the scheme's roster":                                              "未知单位 %q：不在本方案的单位名单中",
	"unknown unit %q: no unit on the scheme's roster has this name":                            "未知单位 %q：本方案的单位名单中没有这个名称",
	"unit name %q is ambiguous (%s): give the unit code":                                       "单位名称 %q 有多个对应单位（%s）：请填写单位代码",
	"unit %q appears twice: first in row %d":                                                   "单位 %q 重复出现：首次在第 %d 行",
	"expected a whole number, got %q":                                                          "应为整数，实际为 %q",
	"expected a number, got %q":                                                                "应为数字，实际为 %q",
	"expected %s or %s (or yes/no, true/false, 1/0), got %q":                                   "应为%s或%s（或 yes/no、true/false、1/0），实际为 %q",
	"and 1 more problem":                                                                       "另有 1 个问题",
	"and %d more problems":                                                                     "另有 %d 个问题",
	"%s is above the maximum %s":                                                               "%s 超过上限 %s",
	"%s is below the minimum %s":                                                               "%s 低于下限 %s",
	"a value in a column without a header: the column matches no metric":                       "无表头的列中有值：该列不对应任何指标",
	"more than %d rows of values: the scheme has %d units; the rest of the sheet was not read": "数据行超过 %d 行：本方案只有 %d 个单位；其余行未读取",

	// exchange: workbook (results workbooks: sheets, title rows, headers, totals).
	"Results":                             "考核结果",
	"Errors":                              "错误",
	"Formulas":                            "计分公式",
	"%s results summary":                  "%s 考核结果汇总表",
	"assessment":                          "考核",
	"self-assessment":                     "自评",
	"revision %d":                         "第 %d 版",
	"publication %d":                      "第%d次公布",
	"published %s":                        "公布时间 %s",
	"made %s":                             "生成时间 %s",
	"Unit code":                           "单位代码",
	"Unit name":                           "单位名称",
	"Group":                               "组别",
	"Total":                               "总分",
	"Grade":                               "等次",
	"Rank":                                "排名",
	"Rank in group":                       "组内排名",
	"Subtotal":                            "小计",
	"Sum":                                 "合计",
	"Average":                             "平均",
	"%d units":                            "%d 个单位",
	"%d complete units":                   "%d 个完整单位",
	"Units averaged":                      "参与平均的单位数",
	"Column":                              "列",
	"Code":                                "代码",
	"Cell":                                "单元格",
	"Message":                             "说明",
	"incomplete: no total, grade or rank": "数据不全：无总分、等次和排名",
	"incomplete: missing %s":              "数据不全：缺少 %s",
	"Publication":                         "公布",
	"No. %d":                              "第%d次",
	"Name":                                "名称",
	"Kind":                                "类型",
	"Points":                              "满分",
	"Unit":                                "单位",
	"Formula":                             "公式",
	"Criteria":                            "评分标准",
	"Evidence":                            "备查材料",
	"Score":                               "计分 score",
	"Bonus":                               "加分 bonus",
	"Deduction":                           "扣分 deduction",
	"Category, %s":                        "分类 %s",
	"Output":                              "输出 output",
	"Outputs":                             "输出 outputs",
	"Veto":                                "一票否决 veto",
	"Param":                               "参数 param",
	"Params":                              "参数 params",
	"Grades":                              "等次 grades",

	// exchange: workbook (where an import problem is: the column's letter and header, in CSV as in XLSX).
	"column %s (%s)": "%s 列（%s）",
	"column %s":      "%s 列",
	"row %d, %s":     "第 %d 行 %s",
	"row %d":         "第 %d 行",
}
