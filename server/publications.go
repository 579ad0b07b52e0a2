package server

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/exchange"
	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
)

// publishedUnit is the answer of getPublishedUnit: one row of a publication and its
// explanation as it was.
type publishedUnit struct {
	Scheme      string                `json:"scheme"`
	Publication int                   `json:"publication"`
	Hash        string                `json:"hash"`
	Revision    int                   `json:"revision"`
	DataVersion int64                 `json:"data_version"`
	Layer       string                `json:"layer"`
	Result      formulas.Result       `json:"result"`
	Explanation *formulas.Explanation `json:"explanation"`
}

func (a *api) createPublication(c *fiber.Ctx) error {
	var spec schema.PublicationSpec
	if err := decodeJSON(c, &spec); err != nil {
		return err
	}
	p, err := a.store.Publish(c.UserContext(), c.Params("code"), spec, who(c))
	if err != nil {
		return err
	}
	c.Location(fmt.Sprintf("%s/schemes/%s/publications/%d", v1Prefix, p.Scheme, p.Number))
	return c.Status(fiber.StatusCreated).JSON(p)
}

func (a *api) listPublications(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	list, total, err := a.store.Publications(c.UserContext(), c.Params("code"), p)
	if err != nil {
		return err
	}
	return c.JSON(newList(list, total, p))
}

// publicationParam reads a publication number from the path parameter name: a whole number ≥ 1.
func publicationParam(c *fiber.Ctx, name string) (int, error) {
	s := c.Params(name)
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, badRequest(name, "publication %q is not a whole number ≥ 1", s)
	}
	return n, nil
}

func (a *api) getPublication(c *fiber.Ctx) error {
	n, err := publicationParam(c, "n")
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
	pub, err := a.store.GetPublication(c.UserContext(), c.Params("code"), n)
	if err != nil {
		return err
	}
	// A publication never changes: its hash is a strong validator.
	c.Set(fiber.HeaderETag, `"`+pub.Hash+`"`)
	lang := i18n.ZH
	if format != "json" {
		// A file's labels are in the language asked for: another representation, another tag.
		if lang = langOf(c); lang != i18n.ZH {
			c.Set(fiber.HeaderETag, `"`+pub.Hash+"-"+lang.String()+`"`)
		}
	}
	if format == "json" {
		data, err := marshalJSON(pub)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(data)
	}
	ev, err := pub.Evaluate()
	if err != nil {
		return err
	}
	stamp := &exchange.Stamp{Number: pub.Number, At: pub.CreatedAt, Hash: pub.Hash}
	download(c, fmt.Sprintf("%s-%s-%d.%s", pub.Scheme, pub.Layer, pub.Number, format))
	if format == "csv" {
		return exchange.WriteCSV(c.Response().BodyWriter(), ev.Program, ev.Results,
			exchange.CSVOptions{HeaderCodes: header == "code", Stamp: stamp, Lang: lang})
	}
	return exchange.WriteXLSX(c.Response().BodyWriter(), ev.Program, ev.Results,
		exchange.Meta{Title: pub.Title, Revision: pub.Revision, Generated: pub.CreatedAt, Layer: pub.Layer, Stamp: stamp, Lang: lang})
}

func (a *api) getPublishedUnit(c *fiber.Ctx) error {
	n, err := publicationParam(c, "n")
	if err != nil {
		return err
	}
	code, unit := c.Params("code"), c.Params("unit")
	pub, err := a.store.GetPublication(c.UserContext(), code, n)
	if err != nil {
		return err
	}
	ev, err := pub.Evaluate()
	if err != nil {
		return err
	}
	res, ok := ev.Sheet.Result(unit)
	if !ok {
		return schema.Errorf(schema.NotFound, "unit", "unit %q is not in publication %d of scheme %q", unit, n, code)
	}
	ex, err := ev.Sheet.Explain(unit)
	if err != nil {
		return err
	}
	ex = ex.In(langOf(c))
	if _, unitToken := ownUnit(c); unitToken {
		hideTies(ex)
	}
	return c.JSON(publishedUnit{Scheme: pub.Scheme, Publication: pub.Number, Hash: pub.Hash, Revision: pub.Revision,
		DataVersion: pub.DataVersion, Layer: pub.Layer, Result: res, Explanation: ex})
}
