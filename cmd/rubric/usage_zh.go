package main

import "github.com/rubric-dev/rubric/i18n"

// usageZH is usage in Chinese, the default: the same synopses, line for line (synopsis reads
// them), with their descriptions translated.
const usageZH = `rubric：考核评分。

用法：
  rubric serve [-addr ADDR] [-db DB] [-no-seed] [-import-limit SIZE]
                                                  启动 API 服务（环境变量 RUBRIC_ADDR、RUBRIC_DB、RUBRIC_LOG、RUBRIC_IMPORT_LIMIT）
  rubric check FILE.yaml...                       离线检查考核方案文件
  rubric seed [-db DB] [-reset CODE]              载入内置的示例方案
  rubric migrate [up|status] [-db DB]             执行数据库迁移，或列出迁移
  rubric template CODE [-format xlsx|csv] [-layer self] -o FILE
                                                  生成填报模板（含已录入的数据）
  rubric import CODE FILE [-layer self] [-dry-run]
                                                  导入填好的模板（XLSX 或 CSV），全部成功或全部不保存
  rubric export CODE [-format xlsx|csv|json] [-layer self] -o FILE
                                                  导出考核结果
  rubric publish CODE [-layer final] [-title T] -m MESSAGE
                                                  发布某一层的考核结果：冻结、编号，附 SHA-256
  rubric diff CODE A B [-format text|json|csv|xlsx] [-o FILE]
                                                  发布 A 与 B 之间的变化及原因（B 可为 live，即当前结果）
  rubric token create --name N --role admin|assessor|viewer|unit [--scheme S] [--unit U]
                                                  创建 API 令牌，仅此一次显示其密钥
  rubric token list                               列出令牌（不显示密钥）
  rubric token revoke NAME                        吊销令牌
  rubric backup FILE                              在线将 SQLite 数据库复制到新文件 FILE
  rubric version                                  显示版本

template、import、export、publish、diff、token 和 backup 使用 serve 所用的数据库（-db，环境变量 RUBRIC_DB）。
全局选项：-lang zh-CN|en（环境变量 RUBRIC_LANG），默认中文；-lang en 输出英文。
`

// usageIn is the command's usage in l.
func usageIn(l i18n.Lang) string {
	if l == i18n.EN {
		return usage
	}
	return usageZH
}
