package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/schema/schematest"
)

// TestIssue11SecretsRedacted starts serve on a PostgreSQL URL that carries a password (in its
// user information and as a parameter) and greps the log: the password is in no line, the
// text log nor the JSON one, and neither in what a failed start prints.
func TestIssue11SecretsRedacted(t *testing.T) {
	const password = "S3cretPw"
	dsn := schematest.DSN(t, schematest.Postgres)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	// The test cluster trusts local connections, so the password is carried but never checked.
	u.User = url.UserPassword(u.User.Username(), password)
	withPassword := u.String()
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			m := NewMain()
			m.Addr, m.DB, m.AdminToken, m.Seed = "127.0.0.1:0", withPassword, testAdminToken, false
			var logs bytes.Buffer
			m.Logger, _ = newLogger(&logs, format)
			if err := m.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			// A request that fails and one that succeeds: both are logged.
			for _, path := range []string{"/healthz", "/api/v1/schemes/nope", "/api/v1/schemes"} {
				req, _ := http.NewRequest("GET", m.URL()+path, nil)
				req.Header.Set("Authorization", "Bearer "+testAdminToken)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			m.Logger.Error("a connection error", "err", &url.Error{Op: "dial", URL: withPassword, Err: io.EOF}, "dsn", withPassword)
			if err := m.Close(); err != nil {
				t.Fatal(err)
			}
			log := logs.String()
			if !strings.Contains(log, "listening") || !strings.Contains(log, "xxxxx") {
				t.Errorf("the log has no listening line with the redacted URL:\n%s", log)
			}
			if strings.Contains(log, password) {
				t.Errorf("the password is in the log:\n%s", log)
			}
		})
	}
	t.Run("ErrFailedStart", func(t *testing.T) {
		var stderr bytes.Buffer
		bad := "postgres://rubric:" + password + "@127.0.0.1:1/rubric?sslmode=disable&password=" + password
		code := run(context.Background(), []string{"serve", "-db", bad, "-addr", "127.0.0.1:0"}, io.Discard, &stderr,
			func(string) string { return "" })
		if code == 0 || strings.Contains(stderr.String(), password) {
			t.Errorf("exit %d, stderr:\n%s", code, stderr.String())
		}
	})
	t.Run("OKRedactSecrets", func(t *testing.T) {
		for in, want := range map[string]string{
			"postgres://a:b@c/d":                "postgres://a:xxxxx@c/d",
			"postgres://a:b@c/d?password=e&x=1": "postgres://a:xxxxx@c/d?password=xxxxx&x=1",
			`dial "host=h password=p user=u"`:   `dial "host=h password=xxxxx user=u"`,
			"./rubric.db":                       "./rubric.db",
			"mail me at a@b.c":                  "mail me at a@b.c",
		} {
			if got := redactSecrets(in); got != want {
				t.Errorf("redactSecrets(%q) = %q, want %q", in, got, want)
			}
		}
	})
}
