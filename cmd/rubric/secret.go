package main

import (
	"log/slog"
	"net/url"
	"regexp"
	"strings"
)

// The places a secret hides in a text: the password of a URL's user information
// (postgres://user:PASSWORD@host) and a password parameter (?password=… or password=… of a
// key=value connection string).
var (
	urlPassword   = regexp.MustCompile(`(://[^/@\s:]*:)[^@\s]*@`)
	paramPassword = regexp.MustCompile(`(?i)\b((?:password|sslpassword)=)[^&\s"']*`)
)

// redactedSecret replaces a password in a text.
const redactedSecret = "xxxxx"

// redactSecrets hides every password in s: those of URLs and of password= parameters.
func redactSecrets(s string) string {
	if !strings.Contains(s, "@") && !strings.Contains(strings.ToLower(s), "password=") {
		return s // the common case: nothing to look at
	}
	s = urlPassword.ReplaceAllString(s, "${1}"+redactedSecret+"@")
	return paramPassword.ReplaceAllString(s, "${1}"+redactedSecret)
}

// redact hides the password of a postgres:// URL (its user information and any password
// parameter).
func redact(dsn string) string {
	if !strings.Contains(dsn, "://") {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "(an unreadable URL)"
	}
	return redactSecrets(u.Redacted())
}

// redactAttr is the ReplaceAttr of every log handler: a string, an error or any other value
// that prints as text goes through redactSecrets, so that no log line carries a database
// password, whoever logs it (a connection error quoting its URL, a request failing on one).
func redactAttr(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		if s := a.Value.String(); redactSecrets(s) != s {
			a.Value = slog.StringValue(redactSecrets(s))
		}
	case slog.KindAny:
		var s string
		switch v := a.Value.Any().(type) {
		case error:
			s = v.Error()
		case interface{ String() string }:
			s = v.String()
		default:
			return a
		}
		if r := redactSecrets(s); r != s {
			a.Value = slog.StringValue(r)
		}
	}
	return a
}
