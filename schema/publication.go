package schema

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/rubric-dev/rubric/formulas"
)

// ChangePublication is the kind of the audit entry of a publication.
const ChangePublication = "publication"

// Limits of a publication's texts, in characters.
const (
	MaxPublicationTitle   = 200
	MaxPublicationMessage = 2000
)

// publicationRow is a row of publications. Rows are only ever inserted: triggers refuse an
// UPDATE or DELETE.
type publicationRow struct {
	bun.BaseModel `bun:"table:publications,alias:p"`
	SchemeCode    string    `bun:"scheme_code,pk"`
	Number        int       `bun:"number,pk"`
	Layer         string    `bun:"layer"`
	Title         string    `bun:"title"`
	Message       string    `bun:"message"`
	Revision      int       `bun:"revision"`
	DataVersion   int64     `bun:"data_version"`
	Who           string    `bun:"who"`
	CreatedAt     time.Time `bun:"created_at"`
	Hash          string    `bun:"hash"`
	Document      string    `bun:"document"`
	Values        string    `bun:"input_values"`
	Sheet         string    `bun:"sheet"`
}

// Publication is a publication of one layer of a scheme (公布, 通报): its number (1, 2, … per
// scheme), the layer, a title such as 2022年度考核结果, a message, the scheme revision and data
// version it froze, who published it and when, and Hash, the SHA-256 (hex) of its canonical
// content (see PublicationContent.Canonical). A publication never changes.
type Publication struct {
	Scheme      string    `json:"scheme"`
	Number      int       `json:"number"`
	Layer       string    `json:"layer"`
	Title       string    `json:"title"`
	Message     string    `json:"message"`
	Revision    int       `json:"revision"`
	DataVersion int64     `json:"data_version"`
	Who         string    `json:"who"`
	CreatedAt   time.Time `json:"created_at"`
	Hash        string    `json:"hash"`
}

// PublishedValue is one value of a publication: the value, its note, who entered it and when.
type PublishedValue struct {
	Value     any       `json:"value"`
	Note      string    `json:"note,omitempty"`
	Who       string    `json:"who,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// PublicationContent is a publication with what it froze: the scheme document at its revision
// with the roster, every value of the layer (unit → metric → value) and the evaluated sheet as
// GET /results answered it then (JSON: scheme, revision, data_version, layer, columns, units,
// warnings).
type PublicationContent struct {
	Publication
	Document *Document                            `json:"document"`
	Values   map[string]map[string]PublishedValue `json:"values"`
	Sheet    json.RawMessage                      `json:"sheet"`

	document, values string // the stored JSON, as hashed
}

// PublicationSpec is what an administrator gives to publish: the layer ("" is final), a title
// ("" is the scheme's title) and a message.
type PublicationSpec struct {
	Layer   string `json:"layer"`
	Title   string `json:"title"`
	Message string `json:"message"`
}

func (r *publicationRow) publication() Publication {
	return Publication{Scheme: r.SchemeCode, Number: r.Number, Layer: r.Layer, Title: r.Title, Message: r.Message,
		Revision: r.Revision, DataVersion: r.DataVersion, Who: r.Who, CreatedAt: r.CreatedAt.UTC(), Hash: r.Hash}
}

// canonical is the content a publication's hash is computed from: one JSON object of its
// identity, the document, the values and the sheet, each exactly as stored.
func (r *publicationRow) canonical() []byte {
	head, _ := json.Marshal(struct {
		Scheme      string `json:"scheme"`
		Number      int    `json:"number"`
		Layer       string `json:"layer"`
		Title       string `json:"title"`
		Message     string `json:"message"`
		Revision    int    `json:"revision"`
		DataVersion int64  `json:"data_version"`
		Who         string `json:"who"`
		CreatedAt   string `json:"created_at"`
	}{r.SchemeCode, r.Number, r.Layer, r.Title, r.Message, r.Revision, r.DataVersion, r.Who,
		r.CreatedAt.UTC().Format(time.RFC3339Nano)})
	var b bytes.Buffer
	b.Write(head[:len(head)-1])
	b.WriteString(`,"document":`)
	b.WriteString(r.Document)
	b.WriteString(`,"values":`)
	b.WriteString(r.Values)
	b.WriteString(`,"sheet":`)
	b.WriteString(r.Sheet)
	b.WriteByte('}')
	return b.Bytes()
}

// hashOf is the hex SHA-256 of a canonical content.
func hashOf(canonical []byte) string {
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:])
}

// Canonical is the publication's canonical content, whose SHA-256 is its Hash: a JSON object
// with scheme, number, layer, title, message, revision, data_version, who, created_at
// (RFC 3339 in UTC), then document, values and sheet as stored.
func (p *PublicationContent) Canonical() []byte {
	r := &publicationRow{SchemeCode: p.Scheme, Number: p.Number, Layer: p.Layer, Title: p.Title, Message: p.Message,
		Revision: p.Revision, DataVersion: p.DataVersion, Who: p.Who, CreatedAt: p.CreatedAt,
		Document: p.document, Values: p.values, Sheet: string(p.Sheet)}
	return r.canonical()
}

// MarshalJSON writes the publication with its document, values and sheet exactly as stored
// (and hashed), without encoding them again.
func (p *PublicationContent) MarshalJSON() ([]byte, error) {
	if p.document == "" || p.values == "" {
		// Built in memory (a live side), not read from the store: encode the fields.
		type plain PublicationContent
		return encodeCompact((*plain)(p))
	}
	head, err := encodeCompact(p.Publication)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(head)+len(p.document)+len(p.values)+len(p.Sheet)+40)
	b = append(b, head[:len(head)-1]...)
	b = append(b, `,"document":`...)
	b = append(b, p.document...)
	b = append(b, `,"values":`...)
	b = append(b, p.values...)
	b = append(b, `,"sheet":`...)
	b = append(b, p.Sheet...)
	return append(b, '}'), nil
}

// Verify recomputes the hash of the publication's content and reports whether it is Hash.
func (p *PublicationContent) Verify() bool { return hashOf(p.Canonical()) == p.Hash }

func (r *publicationRow) content() (*PublicationContent, error) {
	out := &PublicationContent{Publication: r.publication(), Sheet: json.RawMessage(r.Sheet),
		document: r.Document, values: r.Values}
	if err := json.Unmarshal([]byte(r.Document), &out.Document); err != nil {
		return nil, fmt.Errorf("decode publication %d of %q: %w", r.Number, r.SchemeCode, err)
	}
	if err := json.Unmarshal([]byte(r.Values), &out.Values); err != nil {
		return nil, fmt.Errorf("decode publication %d of %q: %w", r.Number, r.SchemeCode, err)
	}
	return out, nil
}

// Publish freezes one layer of a scheme as its next publication, in one transaction: the
// document at the current revision with the roster, every value of the layer with its note,
// and the sheet evaluated from them. It returns the publication (without its content).
func (s *Store) Publish(ctx context.Context, code string, spec PublicationSpec, who string) (Publication, error) {
	layer, err := checkLayer(spec.Layer)
	if err != nil {
		return Publication{}, err
	}
	for _, f := range []struct {
		field, text string
		max         int
	}{{"title", spec.Title, MaxPublicationTitle}, {"message", spec.Message, MaxPublicationMessage}} {
		if !utf8.ValidString(f.text) {
			return Publication{}, Errorf(Invalid, f.field, "the %s is not valid UTF-8", f.field)
		}
		if n := utf8.RuneCountInString(f.text); n > f.max {
			return Publication{}, Errorf(Invalid, f.field, "the %s has %d characters, more than %d", f.field, n, f.max)
		}
	}
	var out Publication
	err = s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		row, err := lockScheme(ctx, tx, code)
		if err != nil {
			return err
		}
		frozen, err := freeze(ctx, tx, code, layer)
		if err != nil {
			return err
		}
		doc, values, sc := frozen.Document, frozen.Values, &frozen.Document.Scheme
		ev, err := EvaluatePublished(doc, layer, values, row.DataVersion)
		if err != nil {
			return err
		}
		var last sql.NullInt64
		if err := tx.NewSelect().Model((*publicationRow)(nil)).ColumnExpr("MAX(number)").
			Where("scheme_code = ?", code).Scan(ctx, &last); err != nil {
			return err
		}
		now := s.now()
		l, err := newAuditLog(ctx, code, who, spec.Message, now)
		if err != nil {
			return err
		}
		title := spec.Title
		if title == "" {
			title = sc.Title
		}
		docJSON, err := encodeCompact(doc)
		if err != nil {
			return err
		}
		valuesJSON, err := encodeCompact(values)
		if err != nil {
			return err
		}
		pr := &publicationRow{SchemeCode: code, Number: int(last.Int64) + 1, Layer: layer, Title: title,
			Message: spec.Message, Revision: row.Revision, DataVersion: row.DataVersion, Who: l.who, CreatedAt: now,
			Document: string(docJSON), Values: string(valuesJSON), Sheet: string(ev.JSON)}
		pr.Hash = hashOf(pr.canonical())
		if _, err := tx.NewInsert().Model(pr).Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				return Errorf(Conflict, "", "publication %d of %q was made at the same moment: publish again", pr.Number, code)
			}
			return err
		}
		out = pr.publication()
		if err := enqueueEvent(ctx, tx, EventPublicationCreated, code, out, now); err != nil {
			return err
		}
		if err := l.add(ChangePublication, ActionCreate, fmt.Sprint(pr.Number), row.Revision, nil,
			map[string]any{"number": pr.Number, "layer": layer, "title": title, "hash": pr.Hash}); err != nil {
			return err
		}
		return l.save(ctx, tx)
	})
	if err != nil {
		return Publication{}, wrap(err, "publish %q", code)
	}
	return out, nil
}

// Publications lists a scheme's publications, newest first, a page at a time, with their
// total count.
func (s *Store) Publications(ctx context.Context, code string, page Page) ([]Publication, int, error) {
	page, err := page.normalize()
	if err != nil {
		return nil, 0, err
	}
	var rows []publicationRow
	var total int
	err = s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := getScheme(ctx, tx, code); err != nil {
			return err
		}
		q := tx.NewSelect().Model(&rows).Where("scheme_code = ?", code)
		n, err := q.Count(ctx)
		if err != nil {
			return err
		}
		total = int(n)
		return tx.NewSelect().Model(&rows).
			Column("scheme_code", "number", "layer", "title", "message", "revision", "data_version", "who", "created_at", "hash").
			Where("scheme_code = ?", code).Order("number DESC").
			Limit(int64(page.Limit)).Offset(int64(page.Offset)).Scan(ctx)
	})
	if err != nil {
		return nil, 0, wrap(err, "list publications of %q", code)
	}
	out := make([]Publication, len(rows))
	for i := range rows {
		out[i] = rows[i].publication()
	}
	return out, total, nil
}

// GetPublication returns publication n of a scheme with its content.
func (s *Store) GetPublication(ctx context.Context, code string, n int) (*PublicationContent, error) {
	var out *PublicationContent
	err := s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := getScheme(ctx, tx, code); err != nil {
			return err
		}
		row, err := getPublication(ctx, tx, code, n)
		if err != nil {
			return err
		}
		out, err = row.content()
		return err
	})
	if err != nil {
		return nil, wrap(err, "get publication %d of %q", n, code)
	}
	return out, nil
}

// HasPublication reports whether a scheme has a publication (of any layer).
func hasPublication(ctx context.Context, db bun.IDB, code string) (bool, error) {
	return db.NewSelect().Model((*publicationRow)(nil)).Where("scheme_code = ?", code).Exists(ctx)
}

// needReason refuses a change without a reason (WithReason, the X-Reason header) to a scheme
// that has a publication: corrections after an announcement must say why, so that the next
// publication's diff explains itself.
func needReason(ctx context.Context, db bun.IDB, code string) error {
	published, err := hasPublication(ctx, db, code)
	if err != nil || !published {
		return err
	}
	return Errorf(Invalid, "reason", "scheme %q has published results: a change of its values or formulas needs a reason (X-Reason)", code)
}

func getPublication(ctx context.Context, db bun.IDB, code string, n int) (*publicationRow, error) {
	row := new(publicationRow)
	err := db.NewSelect().Model(row).Where("scheme_code = ? AND number = ?", code, n).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(NotFound, "publication", "publication %d of scheme %q not found", n, code)
	}
	return row, err
}

// layerValues reads every stored value of one layer of a scheme, with its note, author and time.
func layerValues(ctx context.Context, db bun.IDB, code, layer string) (map[string]map[string]PublishedValue, error) {
	var rows []valueRow
	if err := db.NewSelect().Model(&rows).Where("scheme_code = ? AND layer = ?", code, layer).Scan(ctx); err != nil {
		return nil, err
	}
	out := map[string]map[string]PublishedValue{}
	for _, r := range rows {
		v, err := decodeValue(r.Value)
		if err != nil {
			return nil, err
		}
		if out[r.UnitCode] == nil {
			out[r.UnitCode] = map[string]PublishedValue{}
		}
		out[r.UnitCode][r.Metric] = PublishedValue{Value: v, Note: r.Note, Who: r.Who, UpdatedAt: r.UpdatedAt.UTC()}
	}
	return out, nil
}

// Evaluation is a sheet evaluated from a document and values: the program, the sheet (which
// explains any cell), its results and its JSON.
type Evaluation struct {
	Program *formulas.Program
	Sheet   *formulas.Sheet
	Results []formulas.Result
	JSON    []byte
}

// publishedSheet is the JSON of a publication's sheet: the shape of GET /results.
type publishedSheet struct {
	Scheme      string             `json:"scheme"`
	Revision    int                `json:"revision"`
	DataVersion int64              `json:"data_version"`
	Layer       string             `json:"layer"`
	Columns     []formulas.Column  `json:"columns"`
	Units       json.RawMessage    `json:"units"`
	Warnings    []formulas.Warning `json:"warnings"`
}

// EvaluatePublished evaluates a document's roster with values of one layer, as Publish does
// and as Rows and the engine would: a value whose metric the scheme no longer has, or that no
// longer fits its metric, is left out. Evaluating a publication's document and values again
// gives its stored sheet byte for byte.
func EvaluatePublished(doc *Document, layer string, values map[string]map[string]PublishedValue, dataVersion int64) (*Evaluation, error) {
	sc := doc.Scheme
	prog, warnings, err := formulas.Compile(&sc)
	if err != nil {
		return nil, err
	}
	metrics := metricIndex(&sc)
	rows := make([]formulas.Row, len(doc.Units))
	for i, u := range doc.Units {
		rows[i] = formulas.Row{Unit: u, Values: make(map[string]any, len(values[u.Code]))}
		for code, v := range values[u.Code] {
			m := metrics[code]
			if m == nil {
				continue
			}
			if x, msg := checkValue(m.Type, m.Min, m.Max, v.Value); msg == "" {
				rows[i].Values[code] = x
			}
		}
	}
	sheet := prog.EvaluateLayer(rows, layer)
	results := sheet.Results()
	units, err := formulas.AppendResultsJSON(nil, results)
	if err != nil {
		return nil, fmt.Errorf("encode the sheet of %q: %w", sc.Code, err)
	}
	cols := prog.Columns()
	if cols == nil {
		cols = []formulas.Column{}
	}
	if warnings == nil {
		warnings = []formulas.Warning{}
	}
	data, err := encodeCompact(publishedSheet{Scheme: sc.Code, Revision: sc.Revision, DataVersion: dataVersion, Layer: layer,
		Columns: cols, Units: units, Warnings: warnings})
	if err != nil {
		return nil, err
	}
	return &Evaluation{Program: prog, Sheet: sheet, Results: results, JSON: data}, nil
}

// Evaluate evaluates the publication's document and values again: its program, sheet (to
// explain a cell as it was) and results; JSON equals the stored Sheet.
func (p *PublicationContent) Evaluate() (*Evaluation, error) {
	return EvaluatePublished(p.Document, p.Layer, p.Values, p.DataVersion)
}

// encodeCompact encodes v as compact JSON without HTML escapes (the encoding of the API's
// answers), so that 评分 < 60 stays readable.
func encodeCompact(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
