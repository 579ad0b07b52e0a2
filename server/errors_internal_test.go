package server

import (
	"bytes"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// TestPanic checks that a panicking handler answers a generic 500 problem and that the log has
// the panic and its stack.
func TestPanic(t *testing.T) {
	var logs bytes.Buffer
	a := &api{log: slog.New(slog.NewJSONHandler(&logs, nil)), now: time.Now}
	app := fiber.New(fiber.Config{ErrorHandler: a.handleError})
	app.Use(a.requestID, a.logRequests, a.recoverPanics)
	app.Get("/boom", func(c *fiber.Ctx) error { panic("the secret cause") })
	resp, err := app.Test(httptest.NewRequest("GET", "/boom", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 500 || resp.Header.Get("Content-Type") != problemContentType {
		t.Errorf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(string(body), `"detail":"internal error"`) || strings.Contains(string(body), "secret") {
		t.Errorf("answer: %s", body)
	}
	for _, want := range []string{"the secret cause", `"stack":"goroutine`, "TestPanic", `"status":500`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}
