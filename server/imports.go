package server

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/exchange"
	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema"
)

// ImportResult is what an import of a file of values did, or would do (DryRun): the values
// of the file that differ from the stored ones, per unit and metric, in roster and metric
// order.
type ImportResult struct {
	Scheme    string        `json:"scheme"`
	Layer     string        `json:"layer"`
	DryRun    bool          `json:"dry_run"`
	Units     int           `json:"units"`     // units with at least one value in the file
	Values    int           `json:"values"`    // values in the file (blank cells are none)
	Changed   int           `json:"changed"`   // values that differ from the stored ones
	Unchanged int           `json:"unchanged"` // values equal to the stored ones
	Changes   []ValueChange `json:"changes"`
	// ChangesOffset is the index of the first of Changes among all the changes (a dry run
	// lists them a page at a time); ChangesTruncated says that more follow.
	ChangesOffset    int  `json:"changes_offset"`
	ChangesTruncated bool `json:"changes_truncated"`
	// Impact lists each unit whose total, rank or grade the import moves, before → after
	// (absent when no value changes).
	Impact *impact `json:"impact,omitempty"`
}

// maxImportChanges is the most changes one import answer lists: a saved import of 100,000
// units changing every value would otherwise answer with a 95 MB list. The changed count is
// always whole; the list is the dry run's, a page at a time or as CSV.
const maxImportChanges = 1000

// ValueChange is one value an import changes: Old is nil where the unit had no value.
type ValueChange struct {
	Unit   string `json:"unit"`
	Metric string `json:"metric"`
	Old    any    `json:"old_value"`
	New    any    `json:"new_value"`
}

// ImportValues reads a filled-in template (XLSX or CSV, see exchange.ReadValues) into one
// layer of a scheme, all or nothing. A file with any problem is an *exchange.ImportError
// listing every one, and nothing is saved. Otherwise the values that differ from the stored
// ones are saved by one SetValues call — one transaction, one history entry per changed
// value — unless dryRun, which saves nothing. A blank cell changes nothing; a changed value
// keeps the note it had (a file carries no notes). The result lists every change with its old
// and new value.
func ImportValues(ctx context.Context, store *schema.Store, code, layer string, data []byte, filename, contentType string, dryRun bool, who string) (*ImportResult, error) {
	_, _, scheme, rows, err := store.Rows(ctx, code, layer)
	if err != nil {
		return nil, err
	}
	units := make([]formulas.Unit, len(rows))
	for i := range rows {
		units[i] = rows[i].Unit
	}
	values, err := exchange.ReadValuesContext(ctx, data, filename, contentType, scheme, units)
	if err != nil {
		return nil, err
	}
	if layer == "" {
		layer = schema.LayerFinal
	}
	res := &ImportResult{Scheme: code, Layer: layer, DryRun: dryRun, Changes: []ValueChange{}}
	batch := map[string]map[string]any{}
	for _, row := range rows {
		unit := row.Unit.Code
		in := values[unit]
		if len(in) == 0 {
			continue
		}
		res.Units++
		for _, m := range scheme.Metrics {
			v, ok := in[m.Code]
			if !ok {
				continue
			}
			res.Values++
			old, had := row.Values[m.Code]
			if had && old == v {
				res.Unchanged++
				continue
			}
			res.Changed++
			res.Changes = append(res.Changes, ValueChange{Unit: unit, Metric: m.Code, Old: old, New: v})
			if batch[unit] == nil {
				batch[unit] = map[string]any{}
			}
			batch[unit][m.Code] = v
		}
	}
	var keep map[string]map[string]string
	if !dryRun && len(batch) > 0 {
		// Read before importImpact, which applies the batch to rows.
		if keep, err = notesToKeep(ctx, store, code, layer, batch, rows); err != nil {
			return nil, err
		}
	}
	if len(batch) > 0 {
		res.Impact = importImpact(scheme, rows, layer, batch)
	}
	if dryRun || len(batch) == 0 {
		return res, nil
	}
	for unit, notes := range keep {
		for m, note := range notes {
			batch[unit][m] = map[string]any{"value": batch[unit][m], "note": note}
		}
	}
	if err := store.SetValues(schema.WithImport(ctx, filename), code, layer, batch, who); err != nil {
		return nil, err
	}
	return res, nil
}

// notesToKeep returns the note of each changed value that had a value before (unit → metric
// → note), so that SetValues keeps it: a file carries no notes. The notes of the layer are read
// with one query (schema.ValueNotes), not one unit at a time.
func notesToKeep(ctx context.Context, store *schema.Store, code, layer string, batch map[string]map[string]any, rows []formulas.Row) (map[string]map[string]string, error) {
	notes, err := store.ValueNotes(ctx, code, layer)
	if err != nil {
		return nil, err
	}
	keep := map[string]map[string]string{}
	for _, row := range rows {
		for m := range batch[row.Unit.Code] {
			if _, had := row.Values[m]; !had {
				continue
			}
			if note := notes[row.Unit.Code][m]; note != "" {
				if keep[row.Unit.Code] == nil {
					keep[row.Unit.Code] = map[string]string{}
				}
				keep[row.Unit.Code][m] = note
			}
		}
	}
	return keep, nil
}

// importPath is the end of the path of the import route.
const importPath = "/values/import"

// isImport reports whether the request is an import, whose body has a limit of its own.
func isImport(c *fiber.Ctx) bool {
	return c.Method() == fiber.MethodPost && strings.HasSuffix(c.Path(), importPath)
}

func (a *api) importValues(c *fiber.Ctx) error {
	layer, err := layer(c)
	if err != nil {
		return err
	}
	dryRun, err := boolQuery(c, "dry_run")
	if err != nil {
		return err
	}
	up, err := a.readUpload(c)
	if err != nil {
		return err
	}
	offset, err := intQuery(c, "changes_offset", 0)
	if err != nil {
		return err
	}
	limit, err := intQuery(c, "changes_limit", maxImportChanges)
	if err != nil {
		return err
	}
	if offset < 0 {
		return badRequest("changes_offset", "changes_offset %d must be ≥ 0", offset)
	}
	if limit < 1 || limit > maxImportChanges {
		return badRequest("changes_limit", "changes_limit %d is out of range 1..%d", limit, maxImportChanges)
	}
	asCSV, err := enumQuery(c, "changes", "json", "csv")
	if err != nil {
		return err
	}
	if asCSV == "csv" && !dryRun {
		return badRequest("changes", "changes=csv lists the changes of a dry run: add dry_run=true")
	}
	lang := langOf(c)
	res, err := ImportValues(c.UserContext(), a.store, c.Params("code"), layer, up.data, up.name, up.contentType, dryRun, who(c))
	var ie *exchange.ImportError
	if errors.As(err, &ie) {
		return ie.In(lang) // the problems in the clerk's language
	}
	if err != nil {
		return err
	}
	if asCSV == "csv" {
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+res.Scheme+"-changes.csv"+`"`)
		return writeChangesCSV(c.Response().BodyWriter(), res.Changes)
	}
	all := res.Changes
	start := min(offset, len(all))
	res.Changes = all[start:min(start+limit, len(all))]
	res.ChangesOffset = start
	res.ChangesTruncated = start+len(res.Changes) < len(all)
	return c.JSON(res)
}

// writeChangesCSV writes every change of an import as CSV: unit, metric, old and new value.
func writeChangesCSV(w io.Writer, changes []ValueChange) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write([]string{"unit", "metric", "old_value", "new_value"}); err != nil {
		return err
	}
	cell := func(v any) string {
		if v == nil {
			return ""
		}
		if f, ok := v.(float64); ok {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
		return fmt.Sprint(v)
	}
	for _, ch := range changes {
		if err := cw.Write([]string{ch.Unit, ch.Metric, cell(ch.Old), cell(ch.New)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// upload is a file sent to the server, with the name and media type its sender gave it.
type upload struct {
	data        []byte
	name        string
	contentType string
}

// rawFileTypes are the media types of a file sent as the body itself. Any of them may be
// either format: the content decides.
var rawFileTypes = map[string]bool{
	xlsxContentType:               true,
	"application/vnd.ms-excel":    true, // what Windows calls a .csv file
	"application/octet-stream":    true,
	"application/csv":             true,
	"text/csv":                    true,
	"text/comma-separated-values": true,
	"text/tab-separated-values":   true,
	"text/plain":                  true,
}

// readUpload reads the file of an import: the part named file of a multipart form, or the
// body itself. Its size is checked against the import limit before it is read: the body's
// Content-Length, then the part's size.
func (a *api) readUpload(c *fiber.Ctx) (upload, error) {
	if enc := c.Get(fiber.HeaderContentEncoding); enc != "" && !strings.EqualFold(enc, "identity") {
		return upload{}, unsupportedMediaType("Content-Encoding %q is not supported: send the file uncompressed", enc)
	}
	var mt string
	if ct := c.Get(fiber.HeaderContentType); ct != "" {
		var err error
		if mt, _, err = mime.ParseMediaType(ct); err != nil {
			return upload{}, unsupportedMediaType("Content-Type %q cannot be parsed", ct)
		}
	}
	length := c.Request().Header.ContentLength()
	if mt == fiber.MIMEMultipartForm {
		if length > a.importLimit+formSlack {
			return upload{}, tooLarge("%s", a.importTooLarge())
		}
		return a.formFile(c)
	}
	if mt != "" && !rawFileTypes[mt] {
		hint := ""
		if mt == fiber.MIMEApplicationForm {
			hint = " (curl --data-binary sends that: add -H 'Content-Type: text/csv' or send a form with -F file=@FILE)"
		}
		return upload{}, unsupportedMediaType("Content-Type %q is not a file rubric imports%s: send the XLSX or CSV file as the body (%s, text/csv or application/octet-stream) or in the field file of a multipart/form-data form",
			mt, hint, xlsxContentType)
	}
	if length > a.importLimit {
		return upload{}, tooLarge("%s", a.importTooLarge())
	}
	body := c.BodyRaw()
	if len(body) > a.importLimit {
		return upload{}, tooLarge("%s", a.importTooLarge())
	}
	if len(body) == 0 {
		return upload{}, badRequest("file", "the request has no file: send the XLSX or CSV file as the body or in the field file of a multipart/form-data form")
	}
	name := ""
	if cd := c.Get(fiber.HeaderContentDisposition); cd != "" {
		if _, params, err := mime.ParseMediaType(cd); err == nil {
			name = params["filename"]
		}
	}
	return upload{data: body, name: name, contentType: mt}, nil
}

// formFile reads the file of a multipart form's field file.
func (a *api) formFile(c *fiber.Ctx) (upload, error) {
	form, err := c.MultipartForm()
	if err != nil {
		return upload{}, badRequest("", "malformed multipart/form-data body: %s", strings.TrimPrefix(err.Error(), "cannot read multipart/form-data body: "))
	}
	files := form.File["file"]
	switch {
	case len(files) == 0:
		return upload{}, badRequest("file", "the form has no file in the field file")
	case len(files) > 1:
		return upload{}, badRequest("file", "the form has %d files in the field file: send one at a time", len(files))
	}
	fh := files[0]
	if fh.Size > int64(a.importLimit) {
		return upload{}, tooLarge("%s", a.importTooLarge())
	}
	f, err := fh.Open()
	if err != nil {
		return upload{}, fmt.Errorf("server: open the uploaded file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(a.importLimit)+1))
	if err != nil {
		return upload{}, fmt.Errorf("server: read the uploaded file: %w", err)
	}
	if len(data) > a.importLimit {
		return upload{}, tooLarge("%s", a.importTooLarge())
	}
	ct := fh.Header.Get(fiber.HeaderContentType)
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		ct = mt
	}
	return upload{data: data, name: fh.Filename, contentType: ct}, nil
}

// importTooLarge is the detail of a file over the import limit.
func (a *api) importTooLarge() string {
	return fmt.Sprintf("the file is larger than the import limit of %d bytes (%s)", a.importLimit, megabytes(a.importLimit))
}

// megabytes writes a size in MB, as people say it.
func megabytes(n int) string {
	mb := float64(n) / (1 << 20)
	if mb == float64(int(mb)) {
		return fmt.Sprintf("%d MB", int(mb))
	}
	return fmt.Sprintf("%.1f MB", mb)
}

// importImpact evaluates the layer before and after the import's changes and keeps the units
// whose total, rank or grade moves: what a clerk checks before saving an import. It applies
// batch to rows in place once the sheet before is evaluated (rows are the import's own copy
// of the stored values; afterwards a metric has a value in rows if it had one before or the
// import gives it one): a copy of every changed unit's values would add about 100 MB to an
// import of 100,000 units at its peak.
func importImpact(scheme *formulas.Scheme, rows []formulas.Row, layer string, batch map[string]map[string]any) *impact {
	prog, _, err := formulas.Compile(scheme)
	if err != nil {
		return nil // a stored scheme compiles; if not, the results say why
	}
	before := prog.EvaluateLayer(rows, layer)
	for i := range rows {
		if changed := batch[rows[i].Unit.Code]; len(changed) > 0 {
			if rows[i].Values == nil {
				rows[i].Values = make(map[string]any, len(changed))
			}
			for k, v := range changed {
				rows[i].Values[k] = v
			}
		}
	}
	all := formulas.Compare(before, prog.EvaluateLayer(rows, layer))
	out := &impact{Layer: layer, Impact: formulas.Impact{Units: []formulas.UnitImpact{}, GradeChanges: all.GradeChanges}}
	for _, u := range all.Units {
		if u.Changed {
			out.Units = append(out.Units, u)
		}
	}
	if out.GradeChanges == nil {
		out.GradeChanges = []string{}
	}
	return out
}
