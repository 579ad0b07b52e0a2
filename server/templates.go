package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/exchange"
	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
)

// WriteTemplate writes the fill-in template of one layer of a scheme to w, as format (xlsx or
// csv; see exchange.WriteTemplateXLSX and WriteTemplateCSV): one row per unit of the roster,
// one column per metric, with the layer's stored values filled in. now is the time written
// into the workbook's properties; l is the language of its fixed texts.
func WriteTemplate(ctx context.Context, store *schema.Store, w io.Writer, code, layer, format string, now time.Time, l i18n.Lang) error {
	return writeTemplate(ctx, store, w, code, layer, format, "", now, l)
}

// writeTemplate is WriteTemplate with the row of unit only, if only is not "".
func writeTemplate(ctx context.Context, store *schema.Store, w io.Writer, code, layer, format, only string, now time.Time, l i18n.Lang) error {
	if layer == "" {
		layer = schema.LayerFinal
	}
	rev, _, scheme, rows, err := store.Rows(ctx, code, layer)
	if err != nil {
		return err
	}
	units := make([]formulas.Unit, 0, len(rows))
	values := make(map[string]map[string]any, len(rows))
	for _, r := range rows {
		if only != "" && r.Unit.Code != only {
			continue
		}
		units = append(units, r.Unit)
		values[r.Unit.Code] = r.Values
	}
	switch format {
	case "csv":
		err = exchange.WriteTemplateCSV(w, scheme, units, values, l)
	case "xlsx":
		err = exchange.WriteTemplateXLSX(w, scheme, units, values, exchange.Meta{Revision: rev, Generated: now, Layer: layer, Lang: l})
	default:
		return schema.Errorf(schema.Invalid, "format", "format %q: use xlsx or csv", format)
	}
	if err != nil {
		return fmt.Errorf("server: write the template of %q: %w", code, err)
	}
	return nil
}

func (a *api) getTemplate(c *fiber.Ctx) error {
	layer, err := layer(c)
	if err != nil {
		return err
	}
	format, err := enumQuery(c, "format", "xlsx", "csv")
	if err != nil {
		return err
	}
	code := c.Params("code")
	// Written to a buffer first, so that an error (an unknown scheme) is answered without
	// the headers of a file.
	var buf bytes.Buffer
	only, _ := ownUnit(c)
	if err := writeTemplate(c.UserContext(), a.store, &buf, code, layer, format, only, a.now(), langOf(c)); err != nil {
		return err
	}
	download(c, code+"-"+layer+"-template."+format)
	return c.Send(buf.Bytes())
}
