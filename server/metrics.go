package server

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema"
)

// metricSaved answers a change of one metric.
type metricSaved struct {
	Metric   formulas.Metric    `json:"metric"`
	Revision int                `json:"revision"`
	Warnings []formulas.Warning `json:"warnings"`
}

// metricPatch is the body of patchMetric: the fields to change.
type metricPatch struct {
	Title       *string  `json:"title"`
	Type        *string  `json:"type"`
	Unit        *string  `json:"unit"`
	Min         *float64 `json:"min"`
	Max         *float64 `json:"max"`
	Default     any      `json:"default"`
	Description *string  `json:"description"`
}

// empty reports whether the patch changes nothing.
func (p *metricPatch) empty() bool {
	return p.Title == nil && p.Type == nil && p.Unit == nil && p.Min == nil && p.Max == nil && p.Default == nil && p.Description == nil
}

// apply writes the patch's fields into m.
func (p *metricPatch) apply(m *formulas.Metric) {
	if p.Title != nil {
		m.Title = *p.Title
	}
	if p.Type != nil {
		m.Type = *p.Type
	}
	if p.Unit != nil {
		m.Unit = *p.Unit
	}
	if p.Min != nil {
		m.Min = p.Min
	}
	if p.Max != nil {
		m.Max = p.Max
	}
	if p.Default != nil {
		m.Default = p.Default
	}
	if p.Description != nil {
		m.Description = *p.Description
	}
}

func (a *api) listMetrics(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	doc, err := a.store.GetScheme(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, schemeETag(doc.Revision))
	return c.JSON(pageOf(doc.Metrics, p))
}

func (a *api) getMetric(c *fiber.Ctx) error {
	code, metric := c.Params("code"), c.Params("metric")
	doc, err := a.store.GetScheme(c.UserContext(), code)
	if err != nil {
		return err
	}
	i := metricIndex(doc.Metrics, metric)
	if i < 0 {
		return notFound("metric", metric, code)
	}
	c.Set(fiber.HeaderETag, schemeETag(doc.Revision))
	return c.JSON(doc.Metrics[i])
}

func (a *api) createMetric(c *fiber.Ctx) error {
	var m formulas.Metric
	if err := decodeJSON(c, &m); err != nil {
		return err
	}
	code := c.Params("code")
	var saved formulas.Metric
	rev, warnings, err := a.store.UpdateScheme(c.UserContext(), code, func(s *formulas.Scheme) error {
		if metricIndex(s.Metrics, m.Code) >= 0 && m.Code != "" {
			return schema.Errorf(schema.Conflict, "code", "metric %q already exists", m.Code)
		}
		s.Metrics = append(s.Metrics, m)
		saved = m
		return nil
	}, who(c), c.Query("message"), ifMatch(c).options()...)
	if err != nil {
		return err
	}
	c.Location(location("schemes", code, "metrics", saved.Code))
	c.Set(fiber.HeaderETag, schemeETag(rev))
	return c.Status(fiber.StatusCreated).JSON(newMetricSaved(c, saved, rev, warnings))
}

func (a *api) patchMetric(c *fiber.Ctx) error {
	var patch metricPatch
	if err := decodeJSON(c, &patch); err != nil {
		return err
	}
	if patch.empty() {
		return schema.Errorf(schema.Invalid, "", "the patch changes nothing: give at least one of title, type, unit, min, max, default, description")
	}
	code, metric := c.Params("code"), c.Params("metric")
	var saved formulas.Metric
	rev, warnings, err := a.store.UpdateScheme(c.UserContext(), code, func(s *formulas.Scheme) error {
		i := metricIndex(s.Metrics, metric)
		if i < 0 {
			return notFound("metric", metric, code)
		}
		patch.apply(&s.Metrics[i])
		saved = s.Metrics[i]
		return nil
	}, who(c), c.Query("message"), ifMatch(c).options()...)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, schemeETag(rev))
	return c.JSON(newMetricSaved(c, saved, rev, warnings))
}

func (a *api) deleteMetric(c *fiber.Ctx) error {
	code, metric := c.Params("code"), c.Params("metric")
	rev, warnings, err := a.store.UpdateScheme(c.UserContext(), code, func(s *formulas.Scheme) error {
		i := metricIndex(s.Metrics, metric)
		if i < 0 {
			return notFound("metric", metric, code)
		}
		if err := refuseUsed(s, "metric", metric); err != nil {
			return err
		}
		s.Metrics = slices.Delete(s.Metrics, i, i+1)
		return nil
	}, who(c), c.Query("message"), ifMatch(c).options()...)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, schemeETag(rev))
	return c.JSON(newSchemeSaved(c, code, rev, warnings))
}

func newMetricSaved(c *fiber.Ctx, m formulas.Metric, rev int, warnings []formulas.Warning) metricSaved {
	if warnings == nil {
		warnings = []formulas.Warning{}
	}
	return metricSaved{Metric: m, Revision: rev, Warnings: formulas.WarningsIn(warnings, langOf(c))}
}

// metricIndex is the index of the metric with the given code, or -1.
func metricIndex(metrics []formulas.Metric, code string) int {
	return slices.IndexFunc(metrics, func(m formulas.Metric) bool { return m.Code == code })
}
