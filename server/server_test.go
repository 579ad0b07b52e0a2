package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric"
	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/schema/schematest"
	"github.com/rubric-dev/rubric/seeds"
	"github.com/rubric-dev/rubric/server"
)

// rugao is the seed scheme most tests use besides the tiny one of testdata/tiny.json.
const rugao = "rugao-2022-medical"

func TestMain(m *testing.M) {
	flag.Parse()
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/javascript", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/css", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", openapi3filter.FileBodyDecoder)
	// A YAML body is typed as text (a scheme document in the seed format), as clients send it.
	for _, yaml := range []string{"application/yaml", "application/x-yaml", "text/yaml"} {
		openapi3filter.RegisterBodyDecoder(yaml, openapi3filter.PlainBodyDecoder)
	}
	// An imported CSV file is any bytes (GBK, a malformed file the server must refuse itself).
	openapi3filter.RegisterBodyDecoder("text/csv", openapi3filter.FileBodyDecoder)
	code := m.Run()
	schematest.Stop() // the PostgreSQL cluster of the tests, if they started one
	// With the whole package run, every operation of the contract must have been exercised
	// with a successful answer.
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && !testing.Short() {
		if missing := theContract.unexercised(); len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "operations of openapi.yaml no test answered with 2xx: %s\n", strings.Join(missing, ", "))
			code = 1
		}
	}
	os.Exit(code)
}

// contract checks requests and answers against openapi.yaml.
type contract struct {
	doc    *openapi3.T
	router routers.Router
	problm *openapi3.Schema

	mu  sync.Mutex
	hit map[string]bool // operationIds answered with 2xx
}

var theContract = mustLoadContract()

func mustLoadContract() *contract {
	doc, err := openapi3.NewLoader().LoadFromData(rubric.OpenAPI)
	if err != nil {
		panic(fmt.Sprintf("load openapi.yaml: %v", err))
	}
	if err := doc.Validate(context.Background()); err != nil {
		panic(fmt.Sprintf("validate openapi.yaml: %v", err))
	}
	doc.Servers = nil // match paths as they are, on any host
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		panic(fmt.Sprintf("route openapi.yaml: %v", err))
	}
	return &contract{doc: doc, router: router, problm: doc.Components.Schemas["Problem"].Value, hit: map[string]bool{}}
}

// check validates one exchange against the contract, in both directions. A request that breaks
// the contract on purpose (badRequest) must be rejected by the contract too; its answer must
// still be in the contract, or, for a path or method the contract does not have, a problem.
func (ct *contract) check(t *testing.T, req *http.Request, reqBody []byte, resp *http.Response, respBody []byte, badRequest bool) {
	t.Helper()
	ctx := context.Background()
	r := req.Clone(ctx)
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := ct.router.FindRoute(r)
	if err != nil {
		if !badRequest {
			t.Errorf("contract: %s %s is not in openapi.yaml: %v", req.Method, req.URL, err)
		}
		ct.checkProblem(t, resp, respBody)
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: checkBearer}}
	err = errors.Join(openapi3filter.ValidateRequest(ctx, in), undeclaredQuery(route, r))
	switch {
	case badRequest && err == nil:
		t.Errorf("contract: %s %s breaks the contract on purpose, but openapi.yaml accepts it", req.Method, req.URL)
	case !badRequest && err != nil:
		t.Errorf("contract: request %s %s: %v", req.Method, req.URL, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(respBody)), Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		t.Errorf("contract: response %d to %s %s: %v\n%s", resp.StatusCode, req.Method, req.URL, err, respBody)
	}
	if err := undeclaredHeaders(route, resp); err != nil {
		t.Errorf("contract: response %d to %s %s: %v", resp.StatusCode, req.Method, req.URL, err)
	}
	if resp.StatusCode >= 400 {
		ct.checkProblem(t, resp, respBody)
	}
	if resp.StatusCode < 300 {
		ct.mu.Lock()
		ct.hit[route.Operation.OperationID] = true
		ct.mu.Unlock()
	}
}

// checkBearer is the contract's check of a bearer token: the request carries one.
func checkBearer(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	kind, secret, ok := strings.Cut(in.RequestValidationInput.Request.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(kind, "Bearer") || secret == "" {
		return fmt.Errorf("no bearer token")
	}
	return nil
}

// checkProblem checks that an error answer is a problem+json that fits the Problem schema.
func (ct *contract) checkProblem(t *testing.T, resp *http.Response, body []byte) {
	t.Helper()
	if ctype := resp.Header.Get("Content-Type"); ctype != "application/problem+json" {
		t.Errorf("error answer has Content-Type %q, want application/problem+json", ctype)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Errorf("error answer is not JSON: %v\n%s", err, body)
		return
	}
	if err := ct.problm.VisitJSON(v); err != nil {
		t.Errorf("error answer is not a Problem: %v\n%s", err, body)
	}
	if p, ok := v.(map[string]any); ok {
		if status, _ := p["status"].(float64); int(status) != resp.StatusCode {
			t.Errorf("problem status %v, answer status %d", p["status"], resp.StatusCode)
		}
	}
}

// unexercised lists the operations no test answered with 2xx.
func (ct *contract) unexercised() []string {
	ct.mu.Lock()
	defer ct.mu.Unlock()
	var out []string
	for _, item := range ct.doc.Paths.Map() {
		for _, op := range item.Operations() {
			if !ct.hit[op.OperationID] {
				out = append(out, op.OperationID)
			}
		}
	}
	sort.Strings(out)
	return out
}

// env is a server on a new database of one engine (SQLite unless said otherwise) with the
// tiny scheme and the Rugao seed. Its scenario tables run on every engine (see run).
type env struct {
	store *schema.Store
	app   *fiber.App
	logs  *syncBuffer

	engine schematest.Engine
	cfg    server.Config              // as given, for twins
	tb     testing.TB                 // the test the env belongs to
	twins  map[schematest.Engine]*env // the same env on the other engines, made by on
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newEnv(t testing.TB) *env {
	return newEnvConfig(t, server.Config{})
}

func newEnvConfig(t testing.TB, cfg server.Config) *env {
	t.Helper()
	return newEnvOn(t, schematest.SQLite, cfg)
}

// newEnvOn is newEnvConfig on a new database of the given engine.
func newEnvOn(t testing.TB, engine schematest.Engine, cfg server.Config) *env {
	t.Helper()
	given := cfg
	store := mustOpenStoreOn(t, engine)
	mustCreate(t, store, mustRead(t, "testdata/tiny.json"), false)
	seed, err := seeds.Read(rugao + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, store, seed, true)
	logs := &syncBuffer{}
	cfg.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	if cfg.Version == "" {
		cfg.Version = "test"
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = -1 // tests make requests as fast as they can; TestRateLimit sets one
	}
	return &env{store: store, app: server.New(store, cfg), logs: logs, engine: engine, cfg: given, tb: t,
		twins: map[schematest.Engine]*env{}}
}

// mustOpenStore opens a store on a new SQLite file.
func mustOpenStore(t testing.TB) *schema.Store {
	t.Helper()
	return mustOpenStoreOn(t, schematest.SQLite)
}

// mustOpenStoreOn opens a store on a new database of the given engine, closed (and dropped)
// when the test ends.
func mustOpenStoreOn(t testing.TB, engine schematest.Engine) *schema.Store {
	t.Helper()
	store := schematest.OpenStore(t, engine)
	if err := store.EnsureAdminToken(context.Background(), adminSecret); err != nil {
		t.Fatalf("admin token: %v", err)
	}
	return store
}

// adminSecret is the secret of the admin token (schema.EnvTokenName) of every test store,
// which requests carry unless their header map sets Authorization ("" for none).
const adminSecret = "rbk_test-admin-secret-0123456789"

// bearer is the Authorization header of a secret.
func bearer(secret string) string { return "Bearer " + secret }

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustCreate(t testing.TB, store *schema.Store, data []byte, yaml bool) {
	t.Helper()
	var doc *schema.Document
	var err error
	if yaml {
		doc, err = schema.DecodeYAML(bytes.NewReader(data))
	} else {
		doc, err = schema.DecodeJSON(bytes.NewReader(data))
	}
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if _, _, err := store.CreateScheme(context.Background(), doc, "test", "test data"); err != nil {
		t.Fatalf("create %s: %v", doc.Code, err)
	}
}

// scenario is one request of a handler test and what its answer must be.
type scenario struct {
	name        string
	method      string
	url         string
	body        string
	contentType string            // default application/json when there is a body
	header      map[string]string // more request headers
	status      int
	want        []string // substrings of the answer's body
	notWant     []string // strings the answer's body must not have
	badRequest  bool     // the request breaks openapi.yaml on purpose

	// wantHeader lists headers the answer must have, with their values ("" for absent).
	wantHeader map[string]string
}

// runScenarios runs scenarios in order against this env's server (later ones see what earlier
// ones changed) and checks each exchange against the contract.
func (e *env) runScenarios(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			resp, body := e.do(t, sc.method, sc.url, sc.body, sc.contentType, sc.header)
			if resp.StatusCode != sc.status {
				t.Errorf("%s %s: status %d, want %d\n%s", sc.method, sc.url, resp.StatusCode, sc.status, body)
			}
			for _, w := range sc.want {
				if !strings.Contains(string(body), w) {
					t.Errorf("%s %s: answer lacks %q\n%s", sc.method, sc.url, w, body)
				}
			}
			for _, w := range sc.notWant {
				if strings.Contains(string(body), w) {
					t.Errorf("%s %s: answer has %q\n%s", sc.method, sc.url, w, body)
				}
			}
			if resp.Header.Get("X-Request-Id") == "" {
				t.Errorf("%s %s: no X-Request-Id header", sc.method, sc.url)
			}
			for k, v := range sc.wantHeader {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s %s: header %s is %q, want %q", sc.method, sc.url, k, got, v)
				}
			}
			req := newRequest(sc.method, sc.url, sc.body, sc.contentType, sc.header)
			theContract.check(t, req, []byte(sc.body), resp, body, sc.badRequest)
		})
	}
}

func newRequest(method, url, body, contentType string, header map[string]string) *http.Request {
	var r io.Reader = http.NoBody
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, url, r)
	if body != "" {
		if contentType == "" {
			contentType = "application/json"
		}
		req.Header.Set("Content-Type", contentType)
	} else if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if _, ok := header["Authorization"]; !ok {
		req.Header.Set("Authorization", bearer(adminSecret))
	}
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
			continue
		}
		req.Header.Set(k, v)
	}
	return req
}

// do sends one request to the app and returns the answer with its body read.
func (e *env) do(t testing.TB, method, url, body, contentType string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	resp, err := e.app.Test(newRequest(method, url, body, contentType, header), -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read answer: %v", method, url, err)
	}
	return resp, data
}

// getJSON sends a GET and decodes its JSON answer into v.
func (e *env) getJSON(t testing.TB, url string, v any) {
	t.Helper()
	resp, body := e.do(t, http.MethodGet, url, "", "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d\n%s", url, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", url, err, body)
	}
}

// TestRoutesMatchContract checks that every route of the app is in openapi.yaml and every
// operation of openapi.yaml is routed.
func TestRoutesMatchContract(t *testing.T) {
	e := newEnv(t)
	routed := map[string]bool{}
	for _, r := range e.app.GetRoutes(true) {
		if r.Method == http.MethodHead {
			continue
		}
		parts := strings.Split(r.Path, "/")
		for i, p := range parts {
			if strings.HasPrefix(p, ":") {
				parts[i] = "{" + strings.TrimPrefix(p, ":") + "}"
			}
		}
		routed[r.Method+" "+strings.Join(parts, "/")] = true
	}
	spec := map[string]bool{}
	for path, item := range theContract.doc.Paths.Map() {
		for method := range item.Operations() {
			spec[method+" "+path] = true
		}
	}
	for r := range routed {
		if !spec[r] {
			t.Errorf("route %s is not in openapi.yaml", r)
		}
	}
	for s := range spec {
		if !routed[s] {
			t.Errorf("openapi.yaml's %s is not routed", s)
		}
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
