package schema

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"
)

// Role is what a token may do. The server decides what each role may call; the store only
// keeps the role and its scope.
type Role string

// Roles of a token.
const (
	RoleAdmin    Role = "admin"    // everything, every scheme; never scoped
	RoleAssessor Role = "assessor" // enter final values and read results, of one scheme if scoped
	RoleViewer   Role = "viewer"   // read, one scheme if scoped
	RoleUnit     Role = "unit"     // one unit of one scheme: its own self values and results row
)

// Names of the tokens rubric makes by itself.
const (
	// AdminTokenName is the token BootstrapAdmin creates on first start.
	AdminTokenName = "admin"
	// EnvTokenName is the token EnsureAdminToken keeps (RUBRIC_ADMIN_TOKEN); CreateToken
	// refuses it.
	EnvTokenName = "admin-env"
)

// TokenPrefix begins every secret CreateToken and BootstrapAdmin make, so that a leaked
// rubric token is recognizable (by people and secret scanners).
const TokenPrefix = "rbk_"

// Limits of tokens.
const (
	// MaxTokenNameLength is the longest name of a token, in characters.
	MaxTokenNameLength = 64
	// MinSecretLength is the shortest secret EnsureAdminToken accepts.
	MinSecretLength = 16
	// MaxSecretLength is the longest secret Authenticate looks at; longer is Unauthorized.
	MaxSecretLength = 512
	// secretBytes is the number of random bytes of a secret (256 bits).
	secretBytes = 32
	// lookupLength is the number of hex digits of a secret's hash a token is looked up by.
	lookupLength = 16
	// touchInterval is how often Authenticate records a token's use, at most.
	touchInterval = time.Minute
)

// tokenRow is a row of tokens. Hash is the hex SHA-256 of the secret, Lookup its first
// lookupLength digits; the secret itself is never stored. SchemeCode and UnitCode are "" when
// the token has no such scope.
type tokenRow struct {
	bun.BaseModel `bun:"table:tokens,alias:t"`
	ID            int64      `bun:"id,pk,autoincrement"`
	Name          string     `bun:"name"`
	Role          string     `bun:"role"`
	SchemeCode    string     `bun:"scheme_code"`
	UnitCode      string     `bun:"unit_code"`
	Lookup        string     `bun:"lookup"`
	Hash          string     `bun:"hash"`
	CreatedAt     time.Time  `bun:"created_at"`
	LastUsedAt    *time.Time `bun:"last_used_at"`
	RevokedAt     *time.Time `bun:"revoked_at"`
}

// Token is an API token as the store shows it: never its secret. Scheme and Unit are its
// scope ("" for none); LastUsedAt is when it last authenticated a request, to the minute;
// RevokedAt when it was revoked (a revoked token authenticates nothing).
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Role       Role       `json:"role"`
	Scheme     string     `json:"scheme,omitempty"`
	Unit       string     `json:"unit,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// Revoked reports whether the token was revoked.
func (t Token) Revoked() bool { return t.RevokedAt != nil }

func (r *tokenRow) token() Token {
	t := Token{ID: r.ID, Name: r.Name, Role: Role(r.Role), Scheme: r.SchemeCode, Unit: r.UnitCode, CreatedAt: r.CreatedAt.UTC()}
	if r.LastUsedAt != nil {
		at := r.LastUsedAt.UTC()
		t.LastUsedAt = &at
	}
	if r.RevokedAt != nil {
		at := r.RevokedAt.UTC()
		t.RevokedAt = &at
	}
	return t
}

// TokenSpec is a token to create: a name no live token has, a role and its scope. A unit
// token needs a scheme and a unit of it; an assessor or viewer may have a scheme; an admin has
// no scope.
type TokenSpec struct {
	Name   string `json:"name"`
	Role   Role   `json:"role"`
	Scheme string `json:"scheme,omitempty"`
	Unit   string `json:"unit,omitempty"`
}

// problems checks a spec on its own (not whether its scheme and unit exist).
func (spec *TokenSpec) problems() []Problem {
	var ps []Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	switch n := utf8.RuneCountInString(spec.Name); {
	case spec.Name == "":
		add("name", "a token needs a name")
	case !utf8.ValidString(spec.Name) || !validTokenName(spec.Name):
		add("name", "token name %q: use letters, digits and . _ - @, beginning with a letter or digit", spec.Name)
	case n > MaxTokenNameLength:
		add("name", "token name %q has %d characters, more than %d", spec.Name, n, MaxTokenNameLength)
	case spec.Name == EnvTokenName:
		add("name", "token name %q is reserved for RUBRIC_ADMIN_TOKEN", spec.Name)
	}
	switch spec.Role {
	case RoleAdmin:
		if spec.Scheme != "" || spec.Unit != "" {
			add("scheme", "an admin token has no scheme or unit scope")
		}
	case RoleAssessor, RoleViewer:
		if spec.Unit != "" {
			add("unit", "only a unit token has a unit scope")
		}
	case RoleUnit:
		if spec.Scheme == "" {
			add("scheme", "a unit token needs a scheme")
		}
		if spec.Unit == "" {
			add("unit", "a unit token needs a unit")
		}
	default:
		add("role", "unknown role %q: use admin, assessor, viewer or unit", spec.Role)
	}
	return ps
}

// validTokenName reports whether name is letters, digits and . _ - @, beginning with a letter
// or a digit.
func validTokenName(name string) bool {
	for i, r := range name {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
		case i > 0 && (r == '.' || r == '_' || r == '-' || r == '@'):
		default:
			return false
		}
	}
	return true
}

// newSecret returns a new random secret, TokenPrefix and 256 bits in unpadded base64url.
func newSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate a secret: %w", err)
	}
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// hashSecret returns the hex SHA-256 of a secret and its lookup prefix.
func hashSecret(secret string) (hash, lookup string) {
	sum := sha256.Sum256([]byte(secret))
	hash = hex.EncodeToString(sum[:])
	return hash, hash[:lookupLength]
}

// sameHash compares two hashes in constant time: how long it takes says nothing of where they
// differ.
func sameHash(stored, computed string) bool {
	return subtle.ConstantTimeCompare([]byte(stored), []byte(computed)) == 1
}

func tokenNotFound(name string) error {
	return Errorf(NotFound, "", "token %q not found", name)
}

// errUnauthorized is the one answer to a secret that authenticates nothing, whether it is
// unknown, revoked or malformed, so that the answer tells nothing.
func errUnauthorized() error {
	return Errorf(Unauthorized, "", "unknown or revoked token")
}

// CreateToken creates a token and returns its secret, which only this call ever sees (the store
// keeps its SHA-256), and the token. A spec with a missing or unknown scheme or unit, a bad
// name or role is Invalid; the name of a live token is a Conflict, while the name of a revoked
// one may be given again (the revoked token stays, with its history). The audit log records
// the creation by who.
func (s *Store) CreateToken(ctx context.Context, spec TokenSpec, who string) (string, Token, error) {
	if ps := spec.problems(); len(ps) > 0 {
		return "", Token{}, invalid(ps, nil)
	}
	secret, err := newSecret()
	if err != nil {
		return "", Token{}, wrap(err, "create token %q", spec.Name)
	}
	var tok Token
	err = s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		if spec.Scheme != "" {
			if _, err := getScheme(ctx, tx, spec.Scheme); ErrorKind(err) == NotFound {
				return Errorf(Invalid, "scheme", "scheme %q not found", spec.Scheme)
			} else if err != nil {
				return err
			}
		}
		if spec.Unit != "" {
			if _, err := getUnit(ctx, tx, spec.Scheme, spec.Unit); ErrorKind(err) == NotFound {
				return Errorf(Invalid, "unit", "unit %q of scheme %q not found", spec.Unit, spec.Scheme)
			} else if err != nil {
				return err
			}
		}
		row, err := insertToken(ctx, tx, spec, secret, who, s.now())
		if err != nil {
			return err
		}
		tok = row.token()
		return nil
	})
	if err != nil {
		return "", Token{}, wrap(err, "create token %q", spec.Name)
	}
	return secret, tok, nil
}

// insertToken stores a token with the hash of secret and records its creation.
func insertToken(ctx context.Context, tx bun.IDB, spec TokenSpec, secret, who string, now time.Time) (*tokenRow, error) {
	exists, err := tx.NewSelect().Model((*tokenRow)(nil)).Where("name = ? AND revoked_at IS NULL", spec.Name).Exists(ctx)
	if err != nil {
		return nil, err
	}
	if exists {
		return nil, tokenExists(spec.Name)
	}
	hash, lookup := hashSecret(secret)
	row := &tokenRow{Name: spec.Name, Role: string(spec.Role), SchemeCode: spec.Scheme, UnitCode: spec.Unit,
		Lookup: lookup, Hash: hash, CreatedAt: now}
	if _, err := tx.NewInsert().Model(row).Returning("id").Exec(ctx); err != nil {
		if isUniqueViolation(err) {
			return nil, tokenExists(spec.Name)
		}
		return nil, err
	}
	l, err := newAuditLog(ctx, spec.Scheme, who, "", now)
	if err != nil {
		return nil, err
	}
	if err := l.add(ChangeToken, ActionCreate, spec.Name, 0, nil, spec); err != nil {
		return nil, err
	}
	return row, l.save(ctx, tx)
}

func tokenExists(name string) error {
	return Errorf(Conflict, "name", "token %q already exists", name)
}

// GetToken returns a token by name: the live token of that name, or else the last revoked
// one.
func (s *Store) GetToken(ctx context.Context, name string) (Token, error) {
	row, err := getToken(ctx, s.db, name)
	if err != nil {
		return Token{}, wrap(err, "get token %q", name)
	}
	return row.token(), nil
}

func getToken(ctx context.Context, db bun.IDB, name string) (*tokenRow, error) {
	row := new(tokenRow)
	// The live token first: a name is unique among live tokens (tokens_live_name_idx), and
	// revoked tokens may share it.
	if err := db.NewSelect().Model(row).Where("name = ?", name).
		OrderExpr("CASE WHEN revoked_at IS NULL THEN 0 ELSE 1 END, id DESC").Limit(1).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, tokenNotFound(name)
		}
		return nil, err
	}
	return row, nil
}

// ListTokens lists the tokens, revoked ones too, by name (tokens of one name in the order they
// were created), a page at a time, with their total count.
func (s *Store) ListTokens(ctx context.Context, page Page) ([]Token, int, error) {
	page, err := page.normalize()
	if err != nil {
		return nil, 0, err
	}
	var rows []tokenRow
	var total int
	err = s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		n, err := tx.NewSelect().Model((*tokenRow)(nil)).Count(ctx)
		if err != nil {
			return err
		}
		total = int(n)
		return tx.NewSelect().Model(&rows).Order("name", "id").Limit(int64(page.Limit)).Offset(int64(page.Offset)).Scan(ctx)
	})
	if err != nil {
		return nil, 0, wrap(err, "list tokens")
	}
	out := make([]Token, len(rows))
	for i := range rows {
		out[i] = rows[i].token()
	}
	return out, total, nil
}

// CountTokens counts the tokens, revoked ones too.
func (s *Store) CountTokens(ctx context.Context) (int, error) {
	var n int64
	err := s.query(ctx, s.db, func(ctx context.Context, db bun.IDB) error {
		var err error
		n, err = db.NewSelect().Model((*tokenRow)(nil)).Count(ctx)
		return err
	})
	if err != nil {
		return 0, wrap(err, "count tokens")
	}
	return int(n), nil
}

// RevokeToken revokes the live token of a name: from now on it authenticates nothing, and its
// name may be given to a new token. Tokens are never deleted, so that the names in the
// history stay names of tokens. Revoking a revoked token changes nothing. The audit log records the revocation by who.
func (s *Store) RevokeToken(ctx context.Context, name, who string) error {
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		row, err := getToken(ctx, tx, name)
		if err != nil {
			return err
		}
		if row.RevokedAt != nil {
			return nil
		}
		now := s.now()
		if _, err := tx.NewUpdate().Model((*tokenRow)(nil)).Set("revoked_at = ?", now).
			Where("id = ? AND revoked_at IS NULL", row.ID).Exec(ctx); err != nil {
			return err
		}
		l, err := newAuditLog(ctx, row.SchemeCode, who, "", now)
		if err != nil {
			return err
		}
		if err := l.add(ChangeToken, ActionRevoke, name, 0, map[string]any{"revoked_at": nil},
			map[string]any{"revoked_at": now}); err != nil {
			return err
		}
		return l.save(ctx, tx)
	})
	return wrap(err, "revoke token %q", name)
}

// Authenticate returns the token whose secret this is. An unknown, revoked, empty or overlong
// secret is Unauthorized, all with one message. The secret's SHA-256 is looked up by its
// first digits, then compared in full in constant time.
//
// It records the token's use in LastUsedAt at most once a minute, so that reading with a
// token is not a write at every request.
func (s *Store) Authenticate(ctx context.Context, secret string) (Token, error) {
	if secret == "" || len(secret) > MaxSecretLength {
		return Token{}, errUnauthorized()
	}
	hash, lookup := hashSecret(secret)
	var rows []tokenRow
	if err := s.query(ctx, s.db, func(ctx context.Context, db bun.IDB) error {
		return db.NewSelect().Model(&rows).Where("lookup = ?", lookup).Scan(ctx)
	}); err != nil {
		return Token{}, wrap(err, "authenticate")
	}
	var found *tokenRow
	for i := range rows {
		if sameHash(rows[i].Hash, hash) {
			found = &rows[i]
		}
	}
	if found == nil || found.RevokedAt != nil {
		return Token{}, errUnauthorized()
	}
	now := s.now()
	if found.LastUsedAt == nil || !now.Before(found.LastUsedAt.Add(touchInterval)) {
		// Another request (or process) may have recorded a use since: the condition makes
		// the update change nothing then.
		if err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.NewUpdate().Model((*tokenRow)(nil)).Set("last_used_at = ?", now).
				Where("id = ?", found.ID).
				Where("last_used_at IS NULL OR last_used_at <= ?", now.Add(-touchInterval)).
				Exec(ctx)
			return err
		}); err != nil {
			return Token{}, wrap(err, "authenticate")
		}
		found.LastUsedAt = &now
	}
	return found.token(), nil
}

// EnsureAdminToken makes secret (RUBRIC_ADMIN_TOKEN) the secret of the admin token
// EnvTokenName, creating it if needed: idempotent, so every start may call it, and safe when
// processes start together. A new secret replaces the old one, which stops working. The
// secret of a token that was revoked is refused (Conflict): a leaked secret that was revoked
// does not come back with a restart. A secret of fewer than MinSecretLength characters, or
// the secret of another token, is Invalid.
func (s *Store) EnsureAdminToken(ctx context.Context, secret string) error {
	if n := len(secret); n < MinSecretLength || n > MaxSecretLength {
		return Errorf(Invalid, "secret", "the admin token must have %d to %d characters", MinSecretLength, MaxSecretLength)
	}
	hash, lookup := hashSecret(secret)
	ensure := func(ctx context.Context, tx bun.Tx) error {
		var rows []tokenRow
		if err := tx.NewSelect().Model(&rows).Where("lookup = ?", lookup).Scan(ctx); err != nil {
			return err
		}
		for i := range rows {
			r := &rows[i]
			if !sameHash(r.Hash, hash) {
				continue
			}
			switch {
			case r.Name != EnvTokenName:
				return Errorf(Invalid, "secret", "the admin token's secret is the secret of token %q", r.Name)
			case r.RevokedAt != nil:
				return Errorf(Conflict, "secret", "token %q with this secret was revoked: choose another secret", r.Name)
			case r.Role != string(RoleAdmin) || r.SchemeCode != "" || r.UnitCode != "":
				// Not possible through the store; repair rather than trust it.
			default:
				return nil
			}
		}
		now := s.now()
		row, err := getToken(ctx, tx, EnvTokenName)
		if ErrorKind(err) == NotFound {
			spec := TokenSpec{Name: EnvTokenName, Role: RoleAdmin}
			_, err := insertToken(ctx, tx, spec, secret, systemActor(ctx), now)
			return err
		} else if err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model((*tokenRow)(nil)).
			Set("hash = ?", hash).Set("lookup = ?", lookup).Set("role = ?", string(RoleAdmin)).
			Set("scheme_code = ''").Set("unit_code = ''").Set("revoked_at = NULL").
			Where("id = ?", row.ID).Exec(ctx); err != nil {
			return err
		}
		l, err := newAuditLog(ctx, "", systemActor(ctx), "", now)
		if err != nil {
			return err
		}
		// The secrets are not in the log, only that it changed.
		before, err := toFields(map[string]any{"role": row.Role, "scheme": row.SchemeCode, "unit": row.UnitCode,
			"revoked_at": row.RevokedAt, "secret": "old"})
		if err != nil {
			return err
		}
		after, err := toFields(map[string]any{"role": RoleAdmin, "scheme": "", "unit": "", "revoked_at": nil, "secret": "new"})
		if err != nil {
			return err
		}
		old, new := diff(before, after)
		if err := l.add(ChangeToken, ActionUpdate, EnvTokenName, 0, old, new); err != nil {
			return err
		}
		return l.save(ctx, tx)
	}
	// Two processes starting together may both find no token and insert one: the second
	// insert fails on the unique name, and its second try finds the first one's token.
	err := s.write(ctx, ensure)
	if err != nil && ErrorKind(err) == Conflict && isTokenRace(err) {
		err = s.write(ctx, ensure)
	}
	return wrap(err, "ensure admin token")
}

// systemActor is the author of a change rubric makes by itself: the context's author, or
// SystemWho.
func systemActor(ctx context.Context) string {
	if who := Who(ctx); who != "" {
		return who
	}
	return SystemWho
}

// isTokenRace reports whether err is the Conflict of an insert that lost a race.
func isTokenRace(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Field == "name"
}

// BootstrapAdmin creates the admin token AdminTokenName and returns its secret, if and only
// if there is no token at all (not even a revoked one): the first start of a new database
// without RUBRIC_ADMIN_TOKEN. It is safe when processes start together: exactly one of them
// creates the token (created true), the others find it (created false, secret "").
func (s *Store) BootstrapAdmin(ctx context.Context) (secret string, created bool, err error) {
	secret, err = newSecret()
	if err != nil {
		return "", false, wrap(err, "bootstrap admin token")
	}
	err = s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		n, err := tx.NewSelect().Model((*tokenRow)(nil)).Count(ctx)
		if err != nil || n > 0 {
			return err
		}
		spec := TokenSpec{Name: AdminTokenName, Role: RoleAdmin}
		if _, err := insertToken(ctx, tx, spec, secret, systemActor(ctx), s.now()); err != nil {
			return err
		}
		created = true
		return nil
	})
	if ErrorKind(err) == Conflict {
		// Another process created it between our count and our insert.
		return "", false, nil
	}
	if err != nil {
		return "", false, wrap(err, "bootstrap admin token")
	}
	if !created {
		return "", false, nil
	}
	return secret, true, nil
}
