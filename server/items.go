package server

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema"
)

// itemEntry is one item of a scheme without its children, with its place in the tree: the
// shape of the items API, flat so that a table can show it.
type itemEntry struct {
	Code      string   `json:"code"`
	Title     string   `json:"title"`
	Kind      string   `json:"kind"`
	MaxPoints *float64 `json:"max_points,omitempty"`
	Formula   string   `json:"formula,omitempty"`
	Criteria  string   `json:"criteria,omitempty"`
	Evidence  string   `json:"evidence,omitempty"`
	Parent    string   `json:"parent,omitempty"`
	Depth     int      `json:"depth"`
	Position  int      `json:"position"`
	Category  bool     `json:"category"`
	Children  []string `json:"children,omitempty"`
}

// itemSaved answers a change of one item: the item as saved (or previewed), the revision, the
// warnings and, for a dry run, the impact.
type itemSaved struct {
	Item     itemEntry          `json:"item"`
	Revision int                `json:"revision"`
	Warnings []formulas.Warning `json:"warnings"`
	DryRun   bool               `json:"dry_run,omitempty"`
	Impact   *impact            `json:"impact,omitempty"`
}

// itemCreate is the body of createItem: an item (a leaf, or a category with its children) and
// where it goes.
type itemCreate struct {
	Parent   string `json:"parent"`
	Position *int   `json:"position"`
	formulas.Item
}

// itemPatch is the body of patchItem: the fields to change.
type itemPatch struct {
	Title     *string  `json:"title"`
	Kind      *string  `json:"kind"`
	MaxPoints *float64 `json:"max_points"`
	Formula   *string  `json:"formula"`
	Criteria  *string  `json:"criteria"`
	Evidence  *string  `json:"evidence"`
}

// empty reports whether the patch changes nothing.
func (p *itemPatch) empty() bool {
	return p.Title == nil && p.Kind == nil && p.MaxPoints == nil && p.Formula == nil && p.Criteria == nil && p.Evidence == nil
}

// apply writes the patch's fields into it.
func (p *itemPatch) apply(it *formulas.Item) {
	if p.Title != nil {
		it.Title = *p.Title
	}
	if p.Kind != nil {
		it.Kind = *p.Kind
	}
	if p.MaxPoints != nil {
		it.MaxPoints = p.MaxPoints
	}
	if p.Formula != nil {
		it.Formula = *p.Formula
	}
	if p.Criteria != nil {
		it.Criteria = *p.Criteria
	}
	if p.Evidence != nil {
		it.Evidence = *p.Evidence
	}
}

func (a *api) listItems(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	doc, err := a.store.GetScheme(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, schemeETag(doc.Revision))
	return c.JSON(pageOf(flattenItems(doc.Items), p))
}

func (a *api) getItem(c *fiber.Ctx) error {
	code, item := c.Params("code"), c.Params("item")
	doc, err := a.store.GetScheme(c.UserContext(), code)
	if err != nil {
		return err
	}
	ref, ok := findItem(&doc.Items, item)
	if !ok {
		return notFound("item", item, code)
	}
	c.Set(fiber.HeaderETag, schemeETag(doc.Revision))
	return c.JSON(ref.entry())
}

func (a *api) createItem(c *fiber.Ctx) error {
	var body itemCreate
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	code := c.Params("code")
	var saved itemEntry
	rev, warnings, err := a.store.UpdateScheme(c.UserContext(), code, func(s *formulas.Scheme) error {
		ref, err := insertItem(s, body)
		if err != nil {
			return err
		}
		saved = ref.entry()
		return nil
	}, who(c), c.Query("message"), ifMatch(c).options()...)
	if err != nil {
		return err
	}
	c.Location(location("schemes", code, "items", saved.Code))
	c.Set(fiber.HeaderETag, schemeETag(rev))
	return c.Status(fiber.StatusCreated).JSON(newItemSaved(c, saved, rev, a.withFailing(c.UserContext(), code, warnings)))
}

func (a *api) patchItem(c *fiber.Ctx) error {
	dryRun, err := boolQuery(c, "dry_run")
	if err != nil {
		return err
	}
	layer, err := layer(c)
	if err != nil {
		return err
	}
	var patch itemPatch
	if err := decodeJSON(c, &patch); err != nil {
		return err
	}
	if patch.empty() {
		return schema.Errorf(schema.Invalid, "", "the patch changes nothing: give at least one of title, kind, max_points, formula, criteria, evidence")
	}
	code, item := c.Params("code"), c.Params("item")
	var saved itemEntry
	change := func(s *formulas.Scheme) error {
		ref, ok := findItem(&s.Items, item)
		if !ok {
			return notFound("item", item, code)
		}
		patch.apply(ref.item())
		saved = ref.entry()
		return nil
	}
	if dryRun {
		pv, err := a.preview(c.UserContext(), code, layer, change)
		if err != nil {
			return err
		}
		if err := ifMatch(c).allows(code, pv.revision); err != nil {
			return err
		}
		out := newItemSaved(c, saved, pv.revision, pv.warnings)
		out.DryRun, out.Impact = true, pv.impact
		return c.JSON(out)
	}
	rev, warnings, err := a.store.UpdateScheme(c.UserContext(), code, change, who(c), c.Query("message"), ifMatch(c).options()...)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, schemeETag(rev))
	return c.JSON(newItemSaved(c, saved, rev, a.withFailing(c.UserContext(), code, warnings)))
}

func (a *api) deleteItem(c *fiber.Ctx) error {
	code, item := c.Params("code"), c.Params("item")
	rev, warnings, err := a.store.UpdateScheme(c.UserContext(), code, func(s *formulas.Scheme) error {
		ref, ok := findItem(&s.Items, item)
		if !ok {
			return notFound("item", item, code)
		}
		if err := refuseUsed(s, "item", item); err != nil {
			return err
		}
		*ref.siblings = slices.Delete(*ref.siblings, ref.index, ref.index+1)
		return nil
	}, who(c), c.Query("message"), ifMatch(c).options()...)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, schemeETag(rev))
	return c.JSON(newSchemeSaved(c, code, rev, warnings))
}

func newItemSaved(c *fiber.Ctx, it itemEntry, rev int, warnings []formulas.Warning) itemSaved {
	if warnings == nil {
		warnings = []formulas.Warning{}
	}
	return itemSaved{Item: it, Revision: rev, Warnings: formulas.WarningsIn(warnings, langOf(c))}
}

// itemRef locates an item in a scheme's tree.
type itemRef struct {
	siblings *[]formulas.Item
	index    int
	parent   string
	depth    int
}

func (r itemRef) item() *formulas.Item { return &(*r.siblings)[r.index] }

// entry is the item as the items API shows it.
func (r itemRef) entry() itemEntry {
	it := r.item()
	e := itemEntry{Code: it.Code, Title: it.Title, Kind: it.ItemKind(), MaxPoints: it.MaxPoints, Formula: it.Formula,
		Criteria: it.Criteria, Evidence: it.Evidence, Parent: r.parent, Depth: r.depth, Position: r.index,
		Category: len(it.Children) > 0}
	for _, ch := range it.Children {
		e.Children = append(e.Children, ch.Code)
	}
	return e
}

// findItem finds the item with the given code anywhere in the tree.
func findItem(items *[]formulas.Item, code string) (itemRef, bool) {
	return findIn(items, code, "", 0)
}

func findIn(items *[]formulas.Item, code, parent string, depth int) (itemRef, bool) {
	for i := range *items {
		it := &(*items)[i]
		if it.Code == code {
			return itemRef{siblings: items, index: i, parent: parent, depth: depth}, true
		}
		if ref, ok := findIn(&it.Children, code, it.Code, depth+1); ok {
			return ref, true
		}
	}
	return itemRef{}, false
}

// flattenItems lists a tree of items depth first, each category before its children.
func flattenItems(items []formulas.Item) []itemEntry {
	var out []itemEntry
	var walk func(items *[]formulas.Item, parent string, depth int)
	walk = func(items *[]formulas.Item, parent string, depth int) {
		for i := range *items {
			ref := itemRef{siblings: items, index: i, parent: parent, depth: depth}
			out = append(out, ref.entry())
			walk(&(*items)[i].Children, (*items)[i].Code, depth+1)
		}
	}
	walk(&items, "", 0)
	return out
}

// insertItem adds the item of body to s under its parent at its position. An item of the same
// code is a Conflict; an unknown parent or a position out of range is Invalid.
func insertItem(s *formulas.Scheme, body itemCreate) (itemRef, error) {
	if _, ok := findItem(&s.Items, body.Code); ok && body.Code != "" {
		return itemRef{}, schema.Errorf(schema.Conflict, "code", "item %q already exists", body.Code)
	}
	siblings, parent, depth := &s.Items, "", 0
	if body.Parent != "" {
		ref, ok := findItem(&s.Items, body.Parent)
		if !ok {
			return itemRef{}, schema.Errorf(schema.Invalid, "parent", "parent: no item %q in the scheme", body.Parent)
		}
		siblings, parent, depth = &ref.item().Children, body.Parent, ref.depth+1
	}
	pos := len(*siblings)
	if body.Position != nil {
		if *body.Position < 0 || *body.Position > len(*siblings) {
			return itemRef{}, schema.Errorf(schema.Invalid, "position", "position %d is out of range 0..%d", *body.Position, len(*siblings))
		}
		pos = *body.Position
	}
	*siblings = slices.Insert(*siblings, pos, body.Item)
	return itemRef{siblings: siblings, index: pos, parent: parent, depth: depth}, nil
}
