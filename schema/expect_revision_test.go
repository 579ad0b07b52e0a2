package schema

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

// TestExpectRevision checks every write that takes ExpectRevision: it succeeds from the
// revision it names and fails with Stale, changing nothing, from any other.
func TestExpectRevision(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		title := func(title string) func(*formulas.Scheme) error {
			return func(sc *formulas.Scheme) error {
				sc.Title = title
				return nil
			}
		}
		writes := []struct {
			name  string
			write func(s *Store, opts ...WriteOption) error
		}{
			{"Update", func(s *Store, opts ...WriteOption) error {
				_, _, err := s.UpdateScheme(ctx, "test-medical", title("changed"), "bob", "", opts...)
				return err
			}},
			{"Replace", func(s *Store, opts ...WriteOption) error {
				doc := mustLoadDoc(t)
				doc.Title, doc.Units, doc.Values = "replaced", nil, nil
				_, _, err := s.ReplaceScheme(ctx, "test-medical", doc, "bob", "", opts...)
				return err
			}},
			{"Restore", func(s *Store, opts ...WriteOption) error {
				_, _, err := s.RestoreRevision(ctx, "test-medical", 1, "bob", opts...)
				return err
			}},
			{"Delete", func(s *Store, opts ...WriteOption) error {
				return s.DeleteScheme(ctx, "test-medical", opts...)
			}},
		}
		for _, w := range writes {
			t.Run("OK"+w.name, func(t *testing.T) {
				s := mustOpenStore(t, e)
				mustCreateScheme(t, s)
				if _, _, err := s.UpdateScheme(ctx, "test-medical", title("second"), "bob", ""); err != nil {
					t.Fatal(err)
				}
				if err := w.write(s, ExpectRevision(2)); err != nil {
					t.Fatal(err)
				}
				if err := w.write(s, ExpectRevision(1, 3)); w.name != "Delete" && err != nil {
					t.Errorf("revision 3 of a list: %v", err)
				}
			})
			t.Run("ErrStale"+w.name, func(t *testing.T) {
				s := mustOpenStore(t, e)
				mustCreateScheme(t, s)
				if _, _, err := s.UpdateScheme(ctx, "test-medical", title("second"), "bob", ""); err != nil {
					t.Fatal(err)
				}
				checkError(t, w.write(s, ExpectRevision(1)), Stale,
					`scheme "test-medical" is at revision 2, not 1: read it again and redo the change`)
				checkError(t, w.write(s, ExpectRevision(1, 3)), Stale,
					`scheme "test-medical" is at revision 2, not 1 or 3: read it again and redo the change`)
				checkError(t, w.write(s, ExpectRevision()), Stale,
					`scheme "test-medical" is at revision 2, not the revision the request named: read it again and redo the change`)
				got, err := s.GetScheme(ctx, "test-medical")
				if err != nil {
					t.Fatal(err)
				}
				if got.Revision != 2 || got.Title != "second" || count(t, s, "scheme_revisions") != 2 {
					t.Errorf("a stale write changed the scheme: revision %d, title %q", got.Revision, got.Title)
				}
			})
		}
		t.Run("ErrNotFound", func(t *testing.T) {
			s := mustOpenStore(t, e)
			_, _, err := s.UpdateScheme(ctx, "nothing", title("x"), "bob", "", ExpectRevision(1))
			checkError(t, err, NotFound, `scheme "nothing" not found`)
			checkError(t, s.DeleteScheme(ctx, "nothing", ExpectRevision(1)), NotFound, `scheme "nothing" not found`)
		})
	})
}

// TestConcurrentRevisions has writers on two stores (two processes) of one database change
// one scheme at once (issue 8). Plain writers all succeed; writers that expect the revision
// they read either succeed or fail with Stale. Either way every success got a revision of its
// own and the scheme's revisions are 1..k, without gaps or duplicates.
func TestConcurrentRevisions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		for _, expect := range []bool{false, true} {
			name := "OKPlain"
			if expect {
				name = "OKExpect"
			}
			t.Run(name, func(t *testing.T) {
				dsn := testdb.DSN(t, e)
				var stores [2]*Store
				for i := range stores {
					s, err := Open(ctx, dsn)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { s.Close() })
					stores[i] = s
				}
				mustCreateScheme(t, stores[0])
				const writers, writes = 10, 4
				var (
					wg    sync.WaitGroup
					mu    sync.Mutex
					got   = map[int]string{} // revision → writer
					stale int
					errs  []error
				)
				for w := range writers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						s := stores[w%2]
						for i := range writes {
							who := fmt.Sprintf("w%d-%d", w, i)
							var opts []WriteOption
							if expect {
								rev, _, err := s.Version(ctx, "test-medical")
								if err != nil {
									mu.Lock()
									errs = append(errs, err)
									mu.Unlock()
									return
								}
								opts = append(opts, ExpectRevision(rev))
							}
							rev, _, err := s.UpdateScheme(ctx, "test-medical", func(sc *formulas.Scheme) error {
								sc.Title = who
								return nil
							}, who, "", opts...)
							mu.Lock()
							switch {
							case err == nil && got[rev] != "":
								errs = append(errs, fmt.Errorf("%s and %s both got revision %d", got[rev], who, rev))
							case err == nil:
								got[rev] = who
							case expect && ErrorKind(err) == Stale:
								stale++
							default:
								errs = append(errs, fmt.Errorf("%s: %w", who, err))
							}
							mu.Unlock()
						}
					}()
				}
				wg.Wait()
				for _, err := range errs {
					t.Error(err)
				}
				if !expect && len(got) != writers*writes {
					t.Errorf("%d of %d plain writes succeeded", len(got), writers*writes)
				}
				if len(got)+stale != writers*writes || len(got) == 0 {
					t.Errorf("%d writes succeeded and %d were stale, of %d", len(got), stale, writers*writes)
				}
				list, total, err := stores[1].Revisions(ctx, "test-medical", Page{Limit: MaxLimit})
				if err != nil {
					t.Fatal(err)
				}
				if total != len(got)+1 {
					t.Errorf("%d revisions, want %d", total, len(got)+1)
				}
				for i, r := range list { // newest first: k, k-1, …, 1
					if want := total - i; r.Revision != want {
						t.Fatalf("revision %d in place of %d: the revisions have a gap or a duplicate", r.Revision, want)
					}
					if r.Revision > 1 && r.Who != got[r.Revision] {
						t.Errorf("revision %d saved by %s, but %q was told it got it", r.Revision, r.Who, got[r.Revision])
					}
				}
				doc, err := stores[0].GetScheme(ctx, "test-medical")
				if err != nil {
					t.Fatal(err)
				}
				if doc.Revision != total || doc.Title != got[total] {
					t.Errorf("current revision %d titled %q, want %d by %s", doc.Revision, doc.Title, total, got[total])
				}
				t.Logf("%d writes: %d saved, %d stale", writers*writes, len(got), stale)
			})
		}
	})
}
