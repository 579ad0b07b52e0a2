package server

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/exchange"
	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
)

// sheetView is the JSON answer of getResults.
type sheetView struct {
	Scheme      string             `json:"scheme"`
	Revision    int                `json:"revision"`
	DataVersion int64              `json:"data_version"`
	Layer       string             `json:"layer"`
	Columns     []formulas.Column  `json:"columns"`
	Units       resultList         `json:"units"`
	Warnings    []formulas.Warning `json:"warnings"`
}

// resultList writes a sheet's rows with formulas.AppendResultsJSON: encoding/json's reflection
// over every row's cells cost more than computing the sheet.
type resultList []formulas.Result

// MarshalJSON writes the rows as a JSON array.
func (l resultList) MarshalJSON() ([]byte, error) { return formulas.AppendResultsJSON(nil, l) }

// unitResult is the JSON answer of getUnitResult: one row and its explanation.
type unitResult struct {
	Scheme      string                `json:"scheme"`
	Revision    int                   `json:"revision"`
	DataVersion int64                 `json:"data_version"`
	Layer       string                `json:"layer"`
	Result      formulas.Result       `json:"result"`
	Explanation *formulas.Explanation `json:"explanation"`
}

func (a *api) getResults(c *fiber.Ctx) error {
	layer, err := layer(c)
	if err != nil {
		return err
	}
	format, err := enumQuery(c, "format", "json", "csv", "xlsx")
	if err != nil {
		return err
	}
	header, err := enumQuery(c, "header", "title", "code")
	if err != nil {
		return err
	}
	only, _ := ownUnit(c)
	units := listQuery(c, "units")
	// The whole sheet's JSON is sent gzipped to a client that takes it (compressed once per
	// version); filtered answers are built per request and sent as they are.
	whole := c.Query("group") == "" && units == "" && only == ""
	gz := format == "json" && whole && acceptsGzip(c.Get(fiber.HeaderAcceptEncoding))
	shape := []string{format, header, c.Query("group"), units, only}
	if gz { // another representation, another tag
		shape = append(shape, "gzip")
	}
	// A file's labels and the sheet's warnings are in the language asked for; only a CSV
	// headed by codes says the same in every language.
	lang := langOf(c)
	if format != "csv" || header != "code" {
		shape = append(shape, lang.String())
		c.Vary(fiber.HeaderAcceptLanguage)
	}
	e, err := a.currentSheet(c, c.Params("code"), layer, shape)
	if e == nil || err != nil {
		return err
	}
	rows, filtered, err := e.filter(c.Query("group"), units, only)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, a.sheetETag(e.revision, e.dataVersion, e.layer, shape...))
	if !filtered && format != "json" {
		rows = e.sheet.Results()
	}
	switch format {
	case "csv":
		download(c, attachment(e, "csv"))
		return e.write(c.Response().BodyWriter(), rows, format, header == "code", a.now(), lang)
	case "xlsx":
		download(c, attachment(e, "xlsx"))
		return e.write(c.Response().BodyWriter(), rows, format, false, a.now(), lang)
	}
	if filtered {
		data, err := sheetJSON(e.view(rows, lang))
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(data)
	}
	data, err := e.fullJSON(lang)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	// A sheet of large computed texts is sent plain: compressing it would add to what its
	// answer may make the server hold (the answer budget of issue 11).
	return sendEncoded(c, data, &e.body(lang).encoded, gz && !e.largeTexts())
}

func (a *api) getUnitResult(c *fiber.Ctx) error {
	layer, err := layer(c)
	if err != nil {
		return err
	}
	code, unit := c.Params("code"), c.Params("unit")
	_, unitToken := ownUnit(c)
	lang := langOf(c)
	shape := []string{"unit", unit, fmt.Sprint(unitToken), lang.String()}
	e, err := a.currentSheet(c, code, layer, shape)
	if e == nil || err != nil {
		return err
	}
	res, ok := e.sheet.Result(unit)
	if !ok {
		return notFound("unit", unit, code)
	}
	ex, err := e.sheet.Explain(unit)
	if err != nil {
		return err
	}
	ex = ex.In(lang)
	if unitToken {
		hideTies(ex)
	}
	c.Set(fiber.HeaderETag, a.sheetETag(e.revision, e.dataVersion, e.layer, shape...))
	return c.JSON(unitResult{Scheme: e.scheme, Revision: e.revision, DataVersion: e.dataVersion, Layer: e.layer,
		Result: res, Explanation: ex})
}

// hideTies takes out of an explanation the codes of the units tied with its own, for a unit
// token, which may know its rank and the size of its group but not who the others are.
func hideTies(ex *formulas.Explanation) {
	cells := []*formulas.CellExplanation{ex.Veto, ex.Total}
	for i := range ex.Cells {
		cells = append(cells, &ex.Cells[i])
	}
	for _, c := range cells {
		if c == nil {
			continue
		}
		for i := range c.Columns {
			c.Columns[i].Ties = nil
		}
	}
	for _, r := range []*formulas.RankExplanation{ex.Rank, ex.GroupRank} {
		if r != nil {
			r.Ties = nil
		}
	}
}

// ExportResults writes the evaluated sheet of one layer of a scheme to w as format — json,
// csv or xlsx — as GET /results answers it without filters. now is the time written into a
// workbook's properties; a workbook's labels and the warnings are written in lang.
func ExportResults(ctx context.Context, store *schema.Store, w io.Writer, code, layer, format string, now time.Time, lang i18n.Lang) error {
	if layer == "" {
		layer = schema.LayerFinal
	}
	e, err := newSheetCache(store).get(ctx, code, layer)
	if err != nil {
		return err
	}
	return e.write(w, e.sheet.Results(), format, false, now, lang)
}

// write writes rows of the sheet to w as format: json, csv (with a header of codes if
// headerCodes) or xlsx, their fixed texts in lang.
func (e *sheetEntry) write(w io.Writer, rows []formulas.Result, format string, headerCodes bool, now time.Time, lang i18n.Lang) error {
	switch format {
	case "csv":
		return exchange.WriteCSV(w, e.program, rows, exchange.CSVOptions{HeaderCodes: headerCodes, Lang: lang})
	case "xlsx":
		return exchange.WriteXLSX(w, e.program, rows, exchange.Meta{Revision: e.revision, Generated: now, Layer: e.layer, Lang: lang})
	case "json":
		data, err := marshalJSON(e.view(rows, lang))
		if err != nil {
			return fmt.Errorf("server: encode the sheet of %q: %w", e.scheme, err)
		}
		_, err = w.Write(append(data, '\n'))
		return err
	}
	return schema.Errorf(schema.Invalid, "format", "format %q: use json, csv or xlsx", format)
}

// xlsxContentType is the media type of an XLSX workbook.
const xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// attachment is the Content-Disposition of an exported sheet: scheme-layer.ext.
func attachment(e *sheetEntry, ext string) string {
	return e.scheme + "-" + e.layer + "." + ext
}

// download marks the answer as a file to save as name, typed by its extension: CSV (UTF-8)
// for .csv, else an XLSX workbook.
func download(c *fiber.Ctx, name string) {
	if strings.HasSuffix(name, ".csv") {
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	} else {
		c.Set(fiber.HeaderContentType, xlsxContentType)
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
}

// filter selects the rows of one group and/or of the listed units (comma separated), in
// roster order, and only the row of unit only if it is not "" (a unit token's sheet, where
// every other unit is unknown); filtered is false when it selects the whole sheet. An unknown
// group or unit is Invalid.
func (e *sheetEntry) filter(group, units, only string) (rows []formulas.Result, filtered bool, err error) {
	if group == "" && units == "" && only == "" {
		return nil, false, nil // the whole sheet: e.sheet.Results() where rows are needed
	}
	if group != "" && !e.groups[group] {
		groups := make([]string, 0, len(e.groups))
		for g := range e.groups {
			groups = append(groups, g)
		}
		sort.Strings(groups)
		return nil, false, schema.Errorf(schema.Invalid, "group", "group %q is not a group of scheme %q (its groups: %s)", group, e.scheme, strings.Join(groups, ", "))
	}
	var want map[string]bool
	if units != "" {
		want = map[string]bool{}
		var unknown []string
		for _, u := range strings.Split(units, ",") {
			u = strings.TrimSpace(u)
			if u == "" {
				continue
			}
			if !e.sheet.Has(u) || (only != "" && u != only) {
				unknown = append(unknown, u)
			}
			want[u] = true
		}
		if len(unknown) > 0 {
			return nil, false, schema.Errorf(schema.Invalid, "units", "no unit %s in scheme %q", quoteList(unknown), e.scheme)
		}
	}
	rows = []formulas.Result{}
	for _, u := range e.sheet.Units() {
		if (group == "" || u.Group == group) && (want == nil || want[u.Code]) && (only == "" || u.Code == only) {
			r, _ := e.sheet.Result(u.Code)
			rows = append(rows, r)
		}
	}
	return rows, true, nil
}
