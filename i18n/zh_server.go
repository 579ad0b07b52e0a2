package i18n

// server: the titles of problem answers (server/problem_title.go), the English ones being
// net/http's status texts. In a file of their own so that other areas' additions merge cleanly.
func init() { add(zhServer) }

var zhServer = map[string]string{
	"Bad Request":              "请求有误",
	"Unauthorized":             "未认证",
	"Forbidden":                "无权限",
	"Not Found":                "未找到",
	"Method Not Allowed":       "不支持该方法",
	"Not Acceptable":           "无法提供所要求的格式",
	"Request Timeout":          "请求超时",
	"Conflict":                 "冲突",
	"Precondition Failed":      "数据已被他人修改",
	"Precondition Required":    "需要提供版本号（If-Match）",
	"Request Entity Too Large": "内容过大",
	"Unsupported Media Type":   "不支持的内容类型",
	"Unprocessable Entity":     "内容有误",
	"Too Many Requests":        "请求过于频繁",
	"Internal Server Error":    "服务器内部错误",
	"Service Unavailable":      "服务暂不可用",
}
