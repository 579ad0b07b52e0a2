package i18n

// exchange: import problems added after zh.go's table (exchange/values.go), in a file of their
// own so that other areas' additions merge cleanly.
func init() { add(zhImport) }

var zhImport = map[string]string{
	"a row with values but no unit code": "该行有数据但没有单位代码",
	"no header row: none of the first %d rows has a column %s (or %s) or %s (or %s) beside another column": "没有表头行：前 %d 行中没有一行在其他列旁有 %s（或 %s）列或 %s（或 %s）列",
}
