package i18n

// formulas: why a value is null and how apportion split its pool (formulas/explain.go,
// formulas/apportion.go). In a file of their own so that other areas' additions merge cleanly.
func init() { add(zhFormulas) }

var zhFormulas = map[string]string{
	// Why a value is null ("needs %s" and "the unit is incomplete" are in zh.go).
	"not computed on this layer":    "本数据层不计算此项",
	"the scheme has no grade bands": "本方案未设等次",
	"the total has no value":        "总分无值",
	"unit %s is incomplete":         "单位 %s 数据不全",

	// apportion's detail: the largest-remainder method (最大余额法) step by step.
	"largest-remainder method: the pool %s is split over the %d units sharing it in proportion to their weights (%s of %s); the exact share is %s (in units of %s), rounded down to %s; the %d units of %s left over go one each to the largest remainders, ties to the unit listed first; this unit's remainder is number %d%s": "最大余额法：总额 %s 按权重分给参与分配的 %d 个单位（本单位权重 %s，权重合计 %s）；本单位的精确份额为 %s（以 %s 为单位），向下取整为 %s；余下的 %d 个 %s 按余数从大到小每个单位分一个，余数相同的先分给排在前面的单位；本单位的余数排第 %d 位%s",
	", so it gets one more %s: %s": "，因此多分得 %s，计 %s",
	", so it gets none: %s":        "，因此不再多分，计 %s",

	// Errors of a cell without a variable part, in an explanation's text (formulas/explain.go:
	// cellError; the error field stays English).
	"division by zero":   "除数为零",
	"modulo by zero":     "取余的除数为零",
	"pct: the base is 0": "pct：基数为 0",
	"no formula":         "没有公式",

	// Warnings of a scheme (formulas/warnings_lang.go).
	"category %s is worth %s points but its score items add up to %s":        "分类 %s 为 %s 分，但其下得分项合计 %s 分",
	"the scheme states %s points but its top-level score items add up to %s": "方案总分为 %s 分，但一级得分项合计 %s 分",
	"%s fails for every unit (%s of %s): %s":                                 "%s 对每个单位都无法计算（%s/%s 个单位）：%s",
}
