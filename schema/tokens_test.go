package schema

import (
	"context"
	"encoding/base64"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

// mustCreateToken creates a token and returns its secret.
func mustCreateToken(tb testing.TB, s *Store, spec TokenSpec) (string, Token) {
	tb.Helper()
	secret, tok, err := s.CreateToken(context.Background(), spec, "alice")
	if err != nil {
		tb.Fatal(err)
	}
	return secret, tok
}

// checkSecret checks the form of a generated secret: TokenPrefix, then 256 random bits in
// unpadded base64url.
func checkSecret(tb testing.TB, secret string) {
	tb.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(secret, TokenPrefix))
	if !strings.HasPrefix(secret, TokenPrefix) || err != nil || len(raw) != 32 {
		tb.Errorf("secret %q: want %s and 32 bytes in base64url (%v)", secret, TokenPrefix, err)
	}
}

func TestCreateToken(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		s := mustOpenStore(t, e)
		mustCreateScheme(t, s)
		mustCreateToken(t, s, TokenSpec{Name: "taken", Role: RoleViewer})
		tests := []struct {
			name string
			spec TokenSpec
			kind Kind
			err  string
		}{
			{name: "OKAdmin", spec: TokenSpec{Name: "ops", Role: RoleAdmin}},
			{name: "OKAssessor", spec: TokenSpec{Name: "assessor.li", Role: RoleAssessor, Scheme: "test-medical"}},
			{name: "OKViewer", spec: TokenSpec{Name: "报表-viewer", Role: RoleViewer}},
			{name: "OKUnit", spec: TokenSpec{Name: "xinbei-clerk@town", Role: RoleUnit, Scheme: "test-medical", Unit: "xinbei"}},
			{name: "ErrNoName", spec: TokenSpec{Role: RoleViewer}, kind: Invalid, err: "name: a token needs a name"},
			{name: "ErrName", spec: TokenSpec{Name: "bad name", Role: RoleViewer}, kind: Invalid,
				err: `name: token name "bad name": use letters, digits and . _ - @, beginning with a letter or digit`},
			{name: "ErrNameStart", spec: TokenSpec{Name: "-x", Role: RoleViewer}, kind: Invalid,
				err: `name: token name "-x": use letters, digits and . _ - @, beginning with a letter or digit`},
			{name: "ErrNameLong", spec: TokenSpec{Name: strings.Repeat("n", 65), Role: RoleViewer}, kind: Invalid,
				err: fmt.Sprintf(`name: token name %q has 65 characters, more than 64`, strings.Repeat("n", 65))},
			{name: "ErrNameReserved", spec: TokenSpec{Name: EnvTokenName, Role: RoleAdmin}, kind: Invalid,
				err: `name: token name "admin-env" is reserved for RUBRIC_ADMIN_TOKEN`},
			{name: "ErrRole", spec: TokenSpec{Name: "x", Role: "root"}, kind: Invalid,
				err: `role: unknown role "root": use admin, assessor, viewer or unit`},
			{name: "ErrAdminScope", spec: TokenSpec{Name: "x", Role: RoleAdmin, Scheme: "test-medical"}, kind: Invalid,
				err: "scheme: an admin token has no scheme or unit scope"},
			{name: "ErrViewerUnit", spec: TokenSpec{Name: "x", Role: RoleViewer, Scheme: "test-medical", Unit: "xinbei"}, kind: Invalid,
				err: "unit: only a unit token has a unit scope"},
			{name: "ErrUnitScope", spec: TokenSpec{Name: "x", Role: RoleUnit}, kind: Invalid,
				err: "scheme: a unit token needs a scheme; unit: a unit token needs a unit"},
			{name: "ErrSchemeNotFound", spec: TokenSpec{Name: "x", Role: RoleViewer, Scheme: "nothing"}, kind: Invalid,
				err: `scheme "nothing" not found`},
			{name: "ErrUnitNotFound", spec: TokenSpec{Name: "x", Role: RoleUnit, Scheme: "test-medical", Unit: "nowhere"}, kind: Invalid,
				err: `unit "nowhere" of scheme "test-medical" not found`},
			{name: "ErrConflict", spec: TokenSpec{Name: "taken", Role: RoleAdmin}, kind: Conflict, err: `token "taken" already exists`},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				n0 := count(t, s, "tokens")
				secret, tok, err := s.CreateToken(ctx, tt.spec, "alice")
				if tt.err != "" {
					checkError(t, err, tt.kind, tt.err)
					if secret != "" || count(t, s, "tokens") != n0 {
						t.Errorf("secret %q, %d tokens; want none and %d", secret, count(t, s, "tokens"), n0)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				checkSecret(t, secret)
				want := Token{ID: tok.ID, Name: tt.spec.Name, Role: tt.spec.Role, Scheme: tt.spec.Scheme, Unit: tt.spec.Unit,
					CreatedAt: tok.CreatedAt}
				if tok.ID == 0 || tok.CreatedAt.Before(testEpoch) || !reflect.DeepEqual(tok, want) {
					t.Errorf("token = %+v, want %+v", tok, want)
				}
				got, err := s.GetToken(ctx, tt.spec.Name)
				if err != nil || !reflect.DeepEqual(got, tok) {
					t.Errorf("GetToken = %+v, %v; want %+v", got, err, tok)
				}
				auth, err := s.Authenticate(ctx, secret)
				if err != nil || auth.Name != tt.spec.Name || auth.Role != tt.spec.Role {
					t.Errorf("Authenticate = %+v, %v", auth, err)
				}
			})
		}
		t.Run("OKAudit", func(t *testing.T) {
			got, _ := mustHistory(t, s, "", HistoryQuery{Kind: ChangeToken}, Page{Limit: 2})
			checkLines(t, got, []string{
				`token create xinbei-clerk@town by alice: null → {"name":"xinbei-clerk@town","role":"unit","scheme":"test-medical","unit":"xinbei"}`,
				`token create 报表-viewer by alice: null → {"name":"报表-viewer","role":"viewer"}`,
			})
			scoped, _ := mustHistory(t, s, "test-medical", HistoryQuery{Kind: ChangeToken}, Page{})
			if len(scoped) != 2 || !strings.Contains(scoped[1], "assessor.li") {
				t.Errorf("the scheme's token changes:\n%s", strings.Join(scoped, "\n"))
			}
		})
		t.Run("ErrGetNotFound", func(t *testing.T) {
			_, err := s.GetToken(ctx, "nobody")
			checkError(t, err, NotFound, `token "nobody" not found`)
		})
	})
}

func TestAuthenticate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		s := mustOpenStore(t, e)
		secret, tok := mustCreateToken(t, s, TokenSpec{Name: "ops", Role: RoleAdmin})
		revoked, _ := mustCreateToken(t, s, TokenSpec{Name: "old", Role: RoleViewer})
		if err := s.RevokeToken(ctx, "old", "alice"); err != nil {
			t.Fatal(err)
		}
		// A token whose hash begins like the hash of collide but differs after: it is found
		// by the lookup, and the full comparison must reject it.
		const collide = "rbk_not-a-real-token-but-a-lookup-collision"
		hash, lookup := hashSecret(collide)
		forged := &tokenRow{Name: "forged", Role: string(RoleAdmin), Lookup: lookup, Hash: hash[:63] + "x", CreatedAt: testEpoch}
		if _, err := s.wdb.NewInsert().Model(forged).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name   string
			secret string
		}{
			{"ErrUnknown", TokenPrefix + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
			{"ErrRevoked", revoked},
			{"ErrEmpty", ""},
			{"ErrTooLong", secret + strings.Repeat("x", MaxSecretLength)},
			{"ErrPrefixOfSecret", secret[:len(secret)-1]},
			{"ErrLookupCollision", collide},
			{"ErrHashInsteadOfSecret", func() string { h, _ := hashSecret(secret); return h }()},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.Authenticate(ctx, tt.secret)
				checkError(t, err, Unauthorized, "unknown or revoked token")
				if !reflect.DeepEqual(got, Token{}) {
					t.Errorf("token = %+v, want none", got)
				}
			})
		}
		t.Run("OK", func(t *testing.T) {
			got, err := s.Authenticate(ctx, secret)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != tok.ID || got.Name != "ops" || got.Role != RoleAdmin || got.LastUsedAt == nil {
				t.Errorf("token = %+v", got)
			}
		})
	})
}

// TestAuthenticateConstantTime checks in the source that hashes are compared only by sameHash,
// and sameHash only by crypto/subtle: no ==, != or bytes.Equal on a hash anywhere in tokens.go.
func TestAuthenticateConstantTime(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "tokens.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	isHash := func(x ast.Expr) bool {
		switch x := x.(type) {
		case *ast.Ident:
			return x.Name == "hash" || x.Name == "stored" || x.Name == "computed"
		case *ast.SelectorExpr:
			return x.Sel.Name == "Hash"
		}
		return false
	}
	callsSubtle, callers := false, map[string]bool{}
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok {
			continue
		}
		ast.Inspect(fn, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BinaryExpr:
				if (n.Op == token.EQL || n.Op == token.NEQ) && (isHash(n.X) || isHash(n.Y)) {
					t.Errorf("%s: %s compares a hash with %s", fset.Position(n.Pos()), fn.Name.Name, n.Op)
				}
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
					if x, ok := sel.X.(*ast.Ident); ok {
						switch {
						case x.Name == "subtle" && sel.Sel.Name == "ConstantTimeCompare" && fn.Name.Name == "sameHash":
							callsSubtle = true
						case x.Name == "bytes" || x.Name == "strings" && sel.Sel.Name == "EqualFold":
							t.Errorf("%s: %s calls %s.%s", fset.Position(n.Pos()), fn.Name.Name, x.Name, sel.Sel.Name)
						}
					}
				}
				if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "sameHash" {
					callers[fn.Name.Name] = true
				}
			}
			return true
		})
	}
	if !callsSubtle {
		t.Error("sameHash does not call subtle.ConstantTimeCompare")
	}
	for _, fn := range []string{"Authenticate", "EnsureAdminToken"} {
		if !callers[fn] {
			t.Errorf("%s does not compare hashes with sameHash", fn)
		}
	}
}

// TestTokenSecretsNotStored creates tokens every way there is and checks that no table holds
// their secrets, in any form but the SHA-256.
func TestTokenSecretsNotStored(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		s := mustOpenStore(t, e)
		mustCreateScheme(t, s)
		var secrets []string
		for _, spec := range []TokenSpec{
			{Name: "ops", Role: RoleAdmin},
			{Name: "clerk", Role: RoleUnit, Scheme: "test-medical", Unit: "xinbei"},
		} {
			secret, _ := mustCreateToken(t, s, spec)
			secrets = append(secrets, secret)
		}
		env := "operator-chosen-secret-0123456789"
		if err := s.EnsureAdminToken(ctx, env); err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, env)
		if err := s.RevokeToken(ctx, "clerk", "ops"); err != nil {
			t.Fatal(err)
		}
		var dump strings.Builder
		for _, table := range []string{"tokens", "audit_log", "value_history", "schemes", "scheme_revisions"} {
			rows, err := s.db.QueryContext(ctx, "SELECT * FROM "+table)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for _, v := range vals {
					if b, ok := v.([]byte); ok {
						v = string(b)
					}
					fmt.Fprintf(&dump, "%v\n", v)
				}
			}
			rows.Close()
		}
		stored := dump.String()
		for _, secret := range secrets {
			hash, _ := hashSecret(secret)
			for _, part := range []string{secret, strings.TrimPrefix(secret, TokenPrefix)[:20]} {
				if strings.Contains(stored, part) {
					t.Errorf("the database holds %q of secret %q", part, secret)
				}
			}
			if !strings.Contains(stored, hash) {
				t.Errorf("the database does not hold the hash of %q", secret)
			}
		}
	})
}

// queryCounter counts the statements of a database that begin with prefix.
type queryCounter struct {
	prefix string
	n      atomic.Int64
}

func (c *queryCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (c *queryCounter) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	if strings.HasPrefix(e.Query, c.prefix) {
		c.n.Add(1)
	}
}

// TestTokenLastUsed checks that authenticating records the token's use at most once a minute:
// the other requests only read.
func TestTokenLastUsed(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		s := mustOpenStore(t, e)
		secret, _ := mustCreateToken(t, s, TokenSpec{Name: "ops", Role: RoleAdmin})
		updates := &queryCounter{prefix: `UPDATE "tokens"`}
		s.wdb.AddQueryHook(updates) //nolint:staticcheck // WithQueryHook makes a new DB; the store must keep its own
		var clock atomic.Int64      // seconds after testEpoch
		s.Now = func() time.Time { return testEpoch.Add(time.Duration(clock.Load()) * time.Second) }
		steps := []struct {
			at       int64 // seconds after testEpoch
			lastUsed int64
			updates  int64
		}{
			{100, 100, 1}, // first use
			{101, 100, 1},
			{159, 100, 1}, // within the minute: no write
			{160, 160, 2}, // a minute later
			{200, 160, 2},
			{3600, 3600, 3},
		}
		for _, step := range steps {
			clock.Store(step.at)
			for range 5 {
				tok, err := s.Authenticate(ctx, secret)
				if err != nil {
					t.Fatal(err)
				}
				if want := testEpoch.Add(time.Duration(step.lastUsed) * time.Second); tok.LastUsedAt == nil || !tok.LastUsedAt.Equal(want) {
					t.Errorf("at %ds: last used %v, want %v", step.at, tok.LastUsedAt, want)
				}
			}
			stored, err := s.GetToken(ctx, "ops")
			if err != nil {
				t.Fatal(err)
			}
			if want := testEpoch.Add(time.Duration(step.lastUsed) * time.Second); stored.LastUsedAt == nil || !stored.LastUsedAt.Equal(want) {
				t.Errorf("at %ds: stored last used %v, want %v", step.at, stored.LastUsedAt, want)
			}
			if n := updates.n.Load(); n != step.updates {
				t.Errorf("at %ds: %d updates, want %d", step.at, n, step.updates)
			}
		}
		t.Run("OKConcurrent", func(t *testing.T) {
			// Many requests at the turn of the minute: the row is written once.
			clock.Store(4000)
			var wg sync.WaitGroup
			for range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := s.Authenticate(ctx, secret); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			stored, _ := s.GetToken(ctx, "ops")
			if want := testEpoch.Add(4000 * time.Second); !stored.LastUsedAt.Equal(want) {
				t.Errorf("last used %v, want %v", stored.LastUsedAt, want)
			}
		})
	})
}

func TestRevokeAndListTokens(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		s := mustOpenStore(t, e)
		mustCreateScheme(t, s)
		secrets := map[string]string{}
		for _, spec := range []TokenSpec{
			{Name: "carol", Role: RoleAssessor, Scheme: "test-medical"},
			{Name: "alice", Role: RoleAdmin},
			{Name: "dongcheng", Role: RoleUnit, Scheme: "test-medical", Unit: "dongcheng"},
			{Name: "bob", Role: RoleViewer},
		} {
			secrets[spec.Name], _ = mustCreateToken(t, s, spec)
		}
		if err := s.RevokeToken(WithReason(ctx, "left the office"), "carol", "alice"); err != nil {
			t.Fatal(err)
		}
		t.Run("OKRevoked", func(t *testing.T) {
			_, err := s.Authenticate(ctx, secrets["carol"])
			checkError(t, err, Unauthorized, "unknown or revoked token")
			tok, err := s.GetToken(ctx, "carol")
			if err != nil || !tok.Revoked() {
				t.Errorf("token %+v, %v: want revoked", tok, err)
			}
			if _, err := s.Authenticate(ctx, secrets["bob"]); err != nil {
				t.Errorf("another token: %v", err)
			}
			got, _ := mustHistory(t, s, "test-medical", HistoryQuery{Kind: ChangeToken}, Page{Limit: 1})
			checkLines(t, got, []string{fmt.Sprintf(`token revoke carol by alice (left the office): {"revoked_at":null} → {"revoked_at":%q}`,
				tok.RevokedAt.Format(time.RFC3339Nano))})
		})
		t.Run("OKRevokeAgain", func(t *testing.T) {
			n := count(t, s, "audit_log")
			before, _ := s.GetToken(ctx, "carol")
			if err := s.RevokeToken(ctx, "carol", "bob"); err != nil {
				t.Fatal(err)
			}
			after, _ := s.GetToken(ctx, "carol")
			if !reflect.DeepEqual(before, after) || count(t, s, "audit_log") != n {
				t.Errorf("revoking again changed %+v into %+v", before, after)
			}
		})
		t.Run("ErrRevokeNotFound", func(t *testing.T) {
			checkError(t, s.RevokeToken(ctx, "nobody", "alice"), NotFound, `token "nobody" not found`)
		})
		t.Run("ErrLiveNameTaken", func(t *testing.T) {
			_, _, err := s.CreateToken(ctx, TokenSpec{Name: "bob", Role: RoleViewer}, "alice")
			checkError(t, err, Conflict, `token "bob" already exists`)
		})
		tests := []struct {
			name  string
			page  Page
			names []string
			err   string
		}{
			{"OKAll", Page{}, []string{"alice", "bob", "carol", "dongcheng"}, ""},
			{"OKPage", Page{Limit: 2, Offset: 1}, []string{"bob", "carol"}, ""},
			{"OKBeyond", Page{Limit: 2, Offset: 4}, []string{}, ""},
			{"ErrPage", Page{Offset: -1}, nil, "offset -1 must be ≥ 0"},
		}
		for _, tt := range tests {
			t.Run("List"+tt.name, func(t *testing.T) {
				list, total, err := s.ListTokens(ctx, tt.page)
				if tt.err != "" {
					checkError(t, err, Invalid, tt.err)
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				names := []string{}
				for _, tok := range list {
					names = append(names, tok.Name)
					if tok.Name == "carol" != tok.Revoked() {
						t.Errorf("%s: revoked %v", tok.Name, tok.RevokedAt)
					}
				}
				if total != 4 || fmt.Sprint(names) != fmt.Sprint(tt.names) {
					t.Errorf("tokens %v (%d), want %v (4)", names, total, tt.names)
				}
			})
		}
		if n, err := s.CountTokens(ctx); err != nil || n != 4 {
			t.Errorf("CountTokens = %d, %v; want 4", n, err)
		}
	})
}

func TestBootstrapAdmin(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		t.Run("OK", func(t *testing.T) {
			s := mustOpenStore(t, e)
			secret, created, err := s.BootstrapAdmin(ctx)
			if err != nil || !created {
				t.Fatalf("created %v, err %v", created, err)
			}
			checkSecret(t, secret)
			tok, err := s.Authenticate(ctx, secret)
			if err != nil || tok.Name != AdminTokenName || tok.Role != RoleAdmin {
				t.Errorf("token %+v, %v", tok, err)
			}
			got, _ := mustHistory(t, s, "", HistoryQuery{}, Page{})
			checkLines(t, got, []string{`token create admin by rubric: null → {"name":"admin","role":"admin"}`})
			// Idempotent: the second start creates nothing.
			again, created, err := s.BootstrapAdmin(ctx)
			if err != nil || created || again != "" {
				t.Errorf("second bootstrap: %q, %v, %v", again, created, err)
			}
			if n, _ := s.CountTokens(ctx); n != 1 {
				t.Errorf("%d tokens, want 1", n)
			}
		})
		t.Run("OKTokensExist", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateToken(t, s, TokenSpec{Name: "bob", Role: RoleViewer})
			if err := s.RevokeToken(ctx, "bob", "alice"); err != nil {
				t.Fatal(err)
			}
			secret, created, err := s.BootstrapAdmin(ctx)
			if err != nil || created || secret != "" {
				t.Errorf("bootstrap with a (revoked) token: %q, %v, %v", secret, created, err)
			}
		})
		t.Run("OKRace", func(t *testing.T) {
			// Processes starting together on one database: one creates the token.
			dsn := testdb.DSN(t, e)
			const n = 6
			stores := make([]*Store, n)
			for i := range stores {
				s, err := Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				stores[i] = s
			}
			secrets := make([]string, n)
			createds := make([]bool, n)
			errs := make([]error, n)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					secrets[i], createds[i], errs[i] = stores[i].BootstrapAdmin(ctx)
				}()
			}
			close(start)
			wg.Wait()
			var winners []string
			for i := range n {
				if errs[i] != nil {
					t.Errorf("store %d: %v", i, errs[i])
				}
				if createds[i] {
					winners = append(winners, secrets[i])
				} else if secrets[i] != "" {
					t.Errorf("store %d returned a secret without creating a token", i)
				}
			}
			if len(winners) != 1 {
				t.Fatalf("%d stores created a token, want 1", len(winners))
			}
			if c, _ := stores[0].CountTokens(ctx); c != 1 {
				t.Errorf("%d tokens, want 1", c)
			}
			if _, err := stores[n-1].Authenticate(ctx, winners[0]); err != nil {
				t.Error(err)
			}
		})
	})
}

func TestEnsureAdminToken(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		const first, second = "first-operator-secret", "second-operator-secret"
		t.Run("OKIdempotent", func(t *testing.T) {
			s := mustOpenStore(t, e)
			for range 3 {
				if err := s.EnsureAdminToken(ctx, first); err != nil {
					t.Fatal(err)
				}
			}
			tok, err := s.Authenticate(ctx, first)
			if err != nil || tok.Name != EnvTokenName || tok.Role != RoleAdmin {
				t.Errorf("token %+v, %v", tok, err)
			}
			if n, _ := s.CountTokens(ctx); n != 1 {
				t.Errorf("%d tokens, want 1", n)
			}
			got, _ := mustHistory(t, s, "", HistoryQuery{}, Page{})
			checkLines(t, got, []string{`token create admin-env by rubric: null → {"name":"admin-env","role":"admin"}`})
			// With RUBRIC_ADMIN_TOKEN set, no other admin token is bootstrapped.
			if _, created, err := s.BootstrapAdmin(ctx); created || err != nil {
				t.Errorf("bootstrap after EnsureAdminToken: %v, %v", created, err)
			}
		})
		t.Run("OKNewSecret", func(t *testing.T) {
			s := mustOpenStore(t, e)
			if err := s.EnsureAdminToken(ctx, first); err != nil {
				t.Fatal(err)
			}
			if err := s.EnsureAdminToken(WithWho(ctx, "ops"), second); err != nil {
				t.Fatal(err)
			}
			_, err := s.Authenticate(ctx, first)
			checkError(t, err, Unauthorized, "unknown or revoked token")
			if _, err := s.Authenticate(ctx, second); err != nil {
				t.Error(err)
			}
			got, _ := mustHistory(t, s, "", HistoryQuery{}, Page{Limit: 1})
			checkLines(t, got, []string{`token update admin-env by ops: {"secret":"old"} → {"secret":"new"}`})
		})
		t.Run("OKNewSecretAfterRevoke", func(t *testing.T) {
			s := mustOpenStore(t, e)
			if err := s.EnsureAdminToken(ctx, first); err != nil {
				t.Fatal(err)
			}
			if err := s.RevokeToken(ctx, EnvTokenName, "ops"); err != nil {
				t.Fatal(err)
			}
			if err := s.EnsureAdminToken(ctx, second); err != nil {
				t.Fatal(err)
			}
			tok, err := s.Authenticate(ctx, second)
			if err != nil || tok.Revoked() {
				t.Errorf("token %+v, %v", tok, err)
			}
			got, _ := mustHistory(t, s, "", HistoryQuery{}, Page{Limit: 1})
			want := fmt.Sprintf(`token update admin-env by rubric: {"revoked_at":%q,"secret":"old"} → {"revoked_at":null,"secret":"new"}`,
				testEpoch.Add(time.Second).Format(time.RFC3339))
			checkLines(t, got, []string{want})
		})
		t.Run("ErrRevoked", func(t *testing.T) {
			s := mustOpenStore(t, e)
			if err := s.EnsureAdminToken(ctx, first); err != nil {
				t.Fatal(err)
			}
			if err := s.RevokeToken(ctx, EnvTokenName, "ops"); err != nil {
				t.Fatal(err)
			}
			checkError(t, s.EnsureAdminToken(ctx, first), Conflict,
				`token "admin-env" with this secret was revoked: choose another secret`)
			_, err := s.Authenticate(ctx, first)
			checkError(t, err, Unauthorized, "unknown or revoked token")
		})
		t.Run("ErrShort", func(t *testing.T) {
			s := mustOpenStore(t, e)
			checkError(t, s.EnsureAdminToken(ctx, "short"), Invalid, "the admin token must have 16 to 512 characters")
		})
		t.Run("ErrOtherTokensSecret", func(t *testing.T) {
			s := mustOpenStore(t, e)
			secret, _ := mustCreateToken(t, s, TokenSpec{Name: "bob", Role: RoleViewer})
			checkError(t, s.EnsureAdminToken(ctx, secret), Invalid, `the admin token's secret is the secret of token "bob"`)
		})
		t.Run("OKRace", func(t *testing.T) {
			dsn := testdb.DSN(t, e)
			const n = 6
			stores := make([]*Store, n)
			for i := range stores {
				s, err := Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				stores[i] = s
			}
			errs := make([]error, n)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					errs[i] = stores[i].EnsureAdminToken(ctx, first)
				}()
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("store %d: %v", i, err)
				}
			}
			if c, _ := stores[0].CountTokens(ctx); c != 1 {
				t.Errorf("%d tokens, want 1", c)
			}
			if _, err := stores[n-1].Authenticate(ctx, first); err != nil {
				t.Error(err)
			}
		})
	})
}
