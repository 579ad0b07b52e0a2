package schema

import (
	"context"
	"fmt"
	"testing"

	"github.com/uptrace/bun"

	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

// TestReuseRevokedTokenName gives the name of a revoked token to a new one: the new secret
// authenticates, the old one still does not, both tokens stay listed with the revoked one's
// history, and a second live token of the name is still a Conflict.
func TestReuseRevokedTokenName(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		s := mustOpenStore(t, e)
		oldSecret, old := mustCreateToken(t, s, TokenSpec{Name: "clerk", Role: RoleViewer})
		if err := s.RevokeToken(ctx, "clerk", "alice"); err != nil {
			t.Fatal(err)
		}
		newSecret, tok := mustCreateToken(t, s, TokenSpec{Name: "clerk", Role: RoleAdmin})
		if tok.ID == old.ID || tok.Revoked() {
			t.Fatalf("new token %+v, old %+v", tok, old)
		}
		if got, err := s.Authenticate(ctx, newSecret); err != nil || got.ID != tok.ID || got.Role != RoleAdmin {
			t.Errorf("authenticate the new secret: %+v, %v", got, err)
		}
		_, err := s.Authenticate(ctx, oldSecret)
		checkError(t, err, Unauthorized, "unknown or revoked token")
		if got, err := s.GetToken(ctx, "clerk"); err != nil || got.ID != tok.ID {
			t.Errorf("GetToken = %+v, %v; want the live token %d", got, err, tok.ID)
		}

		_, _, err = s.CreateToken(ctx, TokenSpec{Name: "clerk", Role: RoleViewer}, "alice")
		checkError(t, err, Conflict, `token "clerk" already exists`)

		list, total, err := s.ListTokens(ctx, Page{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range list {
			got = append(got, fmt.Sprintf("%s %d %s revoked=%v", l.Name, l.ID, l.Role, l.Revoked()))
		}
		want := []string{fmt.Sprintf("clerk %d viewer revoked=true", old.ID), fmt.Sprintf("clerk %d admin revoked=false", tok.ID)}
		if total != 2 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("tokens %q (%d), want %q (2)", got, total, want)
		}
		history, _ := mustHistory(t, s, "", HistoryQuery{Kind: ChangeToken}, Page{})
		if len(history) != 3 {
			t.Errorf("token history %q: want create, revoke, create", history)
		}

		// Revoking the name revokes the live token; then no clerk is left to authenticate, and
		// GetToken shows the last one revoked.
		if err := s.RevokeToken(ctx, "clerk", "alice"); err != nil {
			t.Fatal(err)
		}
		_, err = s.Authenticate(ctx, newSecret)
		checkError(t, err, Unauthorized, "unknown or revoked token")
		if got, err := s.GetToken(ctx, "clerk"); err != nil || got.ID != tok.ID || !got.Revoked() {
			t.Errorf("GetToken after revoking both = %+v, %v; want %d revoked", got, err, tok.ID)
		}
		if n := count(t, s, "tokens"); n != 2 {
			t.Errorf("%d tokens, want 2", n)
		}
	})
}

// TestTokenNamesMigration runs the migration token_names on a database whose tokens were
// made before it: every token keeps its id and secret, and a revoked name can then be reused;
// in the table itself, a second live token of a name is refused whoever inserts it.
func TestTokenNamesMigration(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		dsn := testdb.DSN(t, e)
		s, err := Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		secret, kept := mustCreateToken(t, s, TokenSpec{Name: "kept", Role: RoleViewer})
		_, gone := mustCreateToken(t, s, TokenSpec{Name: "gone", Role: RoleViewer})
		if err := s.RevokeToken(ctx, "gone", "alice"); err != nil {
			t.Fatal(err)
		}
		// Back to the tokens table as it was before the migration.
		if err := s.wdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if err := uniqueTokenNames(ctx, tx); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "DELETE FROM bun_migrations WHERE name = '20261203002000'")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		_, _, err = s.CreateToken(ctx, TokenSpec{Name: "gone", Role: RoleViewer}, "alice")
		checkError(t, err, Conflict, `token "gone" already exists`)
		s.Close()

		s, err = Open(ctx, dsn) // migrates again
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if tok, err := s.Authenticate(ctx, secret); err != nil || tok.ID != kept.ID {
			t.Errorf("authenticate kept: %+v, %v", tok, err)
		}
		if tok, err := s.GetToken(ctx, "gone"); err != nil || tok.ID != gone.ID || !tok.Revoked() {
			t.Errorf("gone: %+v, %v", tok, err)
		}
		_, again := mustCreateToken(t, s, TokenSpec{Name: "gone", Role: RoleViewer})
		if again.ID <= gone.ID {
			t.Errorf("new id %d after %d", again.ID, gone.ID)
		}
		_, err = s.wdb.ExecContext(ctx, `INSERT INTO tokens (name, role, scheme_code, unit_code, lookup, hash, created_at)
			VALUES ('kept', 'viewer', '', '', 'x', 'x', ?)`, testEpoch)
		if !isUniqueViolation(err) {
			t.Errorf("a second live token kept: %v, want a unique violation", err)
		}
	})
}
