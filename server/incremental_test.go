package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/schema/schematest"
	"github.com/rubric-dev/rubric/server"
)

// sheetAnswer is the part of GET /results compared cell for cell.
type sheetAnswer struct {
	DataVersion int64 `json:"data_version"`
	Units       []any `json:"units"`
}

// twoServers opens two stores on one new database of engine — two processes' worth of state:
// each server has its own results cache — with the benchmark rubric of n units created.
func twoServers(t *testing.T, engine schematest.Engine, n int) (stores [2]*schema.Store, apps [2]*fiber.App) {
	t.Helper()
	if engine == schematest.Postgres {
		schematest.StartPostgres(t)
	}
	dsn := schematest.DSN(t, engine)
	for i := range stores {
		s, err := schema.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if i == 0 {
			if err := s.EnsureAdminToken(context.Background(), adminSecret); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.CreateScheme(context.Background(), benchRubricDoc(t, n), "test", "incremental"); err != nil {
				t.Fatal(err)
			}
		}
		stores[i] = s
		apps[i] = server.New(s, server.Config{Logger: discardLogger(), RateLimit: -1})
	}
	return stores, apps
}

// send makes one request to app and returns the status, the X-Rubric-Cache header and the body.
func send(t testing.TB, app *fiber.App, method, url, body string) (int, string, []byte) {
	t.Helper()
	resp, err := app.Test(newRequest(method, url, body, "", nil), -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("X-Rubric-Cache"), data
}

// freshSheet is the sheet evaluated from scratch from what the database holds now.
func freshSheet(t *testing.T, store *schema.Store) sheetAnswer {
	t.Helper()
	var buf bytes.Buffer
	if err := server.ExportResults(context.Background(), store, &buf, "bench", "", "json", time.Time{}, i18n.ZH); err != nil {
		t.Fatal(err)
	}
	var s sheetAnswer
	if err := json.Unmarshal(buf.Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestIncrementalResults writes random values through two servers on one database (each with
// its own cache, as two processes) and reads the results through either after every few
// writes: each cached sheet, brought up to date by applying the changes the value history
// lists, equals a fresh evaluation cell for cell. A formula change and a new unit in between
// are gaps the history cannot bridge: the next read evaluates anew (miss), later ones update.
func TestIncrementalResults(t *testing.T) {
	for _, engine := range schematest.Engines(t) {
		t.Run(engine.String(), func(t *testing.T) {
			stores, apps := twoServers(t, engine, 300)
			rng := rand.New(rand.NewPCG(15, uint64(len(engine))))
			how := map[string]int{}
			metrics := []string{"actual_res", "actual_emp", "target_res", "cases_a", "cases_b", "bonus_pts", "penalty_city", "lectures"}
			for step := 0; step < 120; step++ {
				unit := fmt.Sprintf("u%06d", 1+rng.IntN(300))
				m := metrics[rng.IntN(len(metrics))]
				var v string
				switch {
				case step%17 == 5:
					v = "null" // the unit becomes incomplete
				case m == "bonus_pts":
					v = fmt.Sprint(float64(rng.IntN(7)) / 2)
				case m == "actual_res" || m == "actual_emp" || m == "target_res":
					v = fmt.Sprint(1000 + rng.IntN(90000))
				default:
					v = fmt.Sprint(rng.IntN(3))
				}
				body := fmt.Sprintf(`{%q: %s}`, m, v)
				if step%5 == 0 { // two values in one write: one data version, two changes
					body = fmt.Sprintf(`{%q: %s, "cases_c": %d}`, m, v, rng.IntN(5))
				}
				if status, _, data := send(t, apps[rng.IntN(2)], "PATCH", "/api/v1/schemes/bench/units/"+unit+"/values", body); status != 200 {
					t.Fatalf("PATCH %s %s: %d %s", unit, body, status, data)
				}
				switch step {
				case 40:
					if status, _, data := send(t, apps[0], "PATCH", "/api/v1/schemes/bench/items/i4", `{"formula": "10 - 2 * cases_c"}`); status != 200 {
						t.Fatalf("formula change: %d %s", status, data)
					}
				case 80:
					if status, _, data := send(t, apps[1], "POST", "/api/v1/schemes/bench/units", `{"code": "u999999", "name": "new", "group": "zone"}`); status != 201 {
						t.Fatalf("new unit: %d %s", status, data)
					}
				}
				if rng.IntN(3) > 0 {
					continue
				}
				i := rng.IntN(2)
				status, cache, data := send(t, apps[i], "GET", "/api/v1/schemes/bench/results", "")
				if status != 200 {
					t.Fatalf("GET results: %d %s", status, data)
				}
				how[cache]++
				var got sheetAnswer
				if err := json.Unmarshal(data, &got); err != nil {
					t.Fatal(err)
				}
				want := freshSheet(t, stores[i])
				if got.DataVersion != want.DataVersion || len(got.Units) != len(want.Units) {
					t.Fatalf("step %d: version %d with %d units, fresh %d with %d", step, got.DataVersion, len(got.Units), want.DataVersion, len(want.Units))
				}
				for k := range want.Units {
					if !reflect.DeepEqual(got.Units[k], want.Units[k]) {
						t.Fatalf("step %d (%s, served %s): unit %d\n got %v\nwant %v", step, body, cache, k, got.Units[k], want.Units[k])
					}
				}
			}
			t.Logf("results served: %v", how)
			if how["update"] < 10 || how["miss"] < 3 {
				t.Errorf("served %v: want most reads brought up to date change by change, a few evaluated anew", how)
			}
		})
	}
}

// TestResultsWholeUnderWrites has readers of one unit's result and of the whole sheet run
// while a writer changes two values of that unit in every write, always keeping cases_a equal
// to cases_b (-race checks the sheets' copy on write): a reader never sees the two differ,
// which it would if it read a sheet halfway through a change.
func TestResultsWholeUnderWrites(t *testing.T) {
	_, apps := twoServers(t, schematest.SQLite, 200)
	const unit = "u000007"
	var done atomic.Bool
	var wg sync.WaitGroup
	var reads atomic.Int64
	check := func(cells map[string]any) {
		if cells["cases_a"] != cells["cases_b"] {
			t.Errorf("half a change: cases_a %v, cases_b %v", cells["cases_a"], cells["cases_b"])
		}
	}
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !done.Load() {
				if r%2 == 0 {
					status, _, data := send(t, apps[r/2], "GET", "/api/v1/schemes/bench/results/"+unit, "")
					var res struct {
						Result struct {
							Cells map[string]any `json:"cells"`
						} `json:"result"`
					}
					if status != 200 || json.Unmarshal(data, &res) != nil {
						t.Errorf("GET unit: %d %.200s", status, data)
						return
					}
					check(res.Result.Cells)
				} else {
					status, _, data := send(t, apps[r/2], "GET", "/api/v1/schemes/bench/results", "")
					var s struct {
						Units []struct {
							Unit  struct{ Code string } `json:"unit"`
							Cells map[string]any        `json:"cells"`
						} `json:"units"`
					}
					if status != 200 || json.Unmarshal(data, &s) != nil {
						t.Errorf("GET results: %d", status)
						return
					}
					check(s.Units[6].Cells)
				}
				reads.Add(1)
			}
		}()
	}
	for i := 0; i < 60; i++ {
		body := fmt.Sprintf(`{"cases_a": %d, "cases_b": %d}`, i%5, i%5)
		if status, _, data := send(t, apps[i%2], "PATCH", "/api/v1/schemes/bench/units/"+unit+"/values", body); status != http.StatusOK {
			t.Fatalf("PATCH: %d %s", status, data)
		}
	}
	done.Store(true)
	wg.Wait()
	t.Logf("%d reads during 60 writes", reads.Load())
}
