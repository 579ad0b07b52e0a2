package server

import "github.com/gofiber/fiber/v2"

// routes lists every route of the API; openapi.yaml describes each (the contract test checks
// both ways).
func (a *api) routes(app *fiber.App) {
	app.Get("/healthz", a.getHealth)
	app.Get("/openapi.yaml", a.getOpenAPI)
	app.Get("/docs", a.getDocs)

	v1 := app.Group("/api/v1", a.authenticate)

	v1.Get("/schemes", a.listSchemes)
	v1.Post("/schemes", a.createScheme)
	v1.Get("/schemes/:code", a.getScheme)
	v1.Put("/schemes/:code", a.replaceScheme)
	v1.Delete("/schemes/:code", a.deleteScheme)
	v1.Post("/schemes/:code/check", a.checkScheme)

	v1.Get("/schemes/:code/items", a.listItems)
	v1.Post("/schemes/:code/items", a.createItem)
	v1.Get("/schemes/:code/items/:item", a.getItem)
	v1.Patch("/schemes/:code/items/:item", a.patchItem)
	v1.Delete("/schemes/:code/items/:item", a.deleteItem)

	v1.Get("/schemes/:code/metrics", a.listMetrics)
	v1.Post("/schemes/:code/metrics", a.createMetric)
	v1.Get("/schemes/:code/metrics/:metric", a.getMetric)
	v1.Patch("/schemes/:code/metrics/:metric", a.patchMetric)
	v1.Delete("/schemes/:code/metrics/:metric", a.deleteMetric)

	v1.Get("/schemes/:code/units", a.listUnits)
	v1.Post("/schemes/:code/units", a.createUnit)
	v1.Get("/schemes/:code/units/:unit", a.getUnit)
	v1.Put("/schemes/:code/units/:unit", a.replaceUnit)
	v1.Delete("/schemes/:code/units/:unit", a.deleteUnit)

	v1.Get("/schemes/:code/units/:unit/values", a.getValues)
	v1.Put("/schemes/:code/units/:unit/values", a.putValues)
	v1.Patch("/schemes/:code/units/:unit/values", a.patchValues)
	v1.Post("/schemes/:code/values", a.setValues)
	v1.Get("/schemes/:code/values/history", a.listValueHistory)
	v1.Post("/schemes/:code/values/import", a.importValues)
	v1.Get("/schemes/:code/template", a.getTemplate)

	v1.Get("/schemes/:code/results", a.getResults)
	v1.Get("/schemes/:code/results/:unit", a.getUnitResult)

	v1.Get("/schemes/:code/revisions", a.listRevisions)
	v1.Get("/schemes/:code/revisions/:revision", a.getRevision)
	v1.Post("/schemes/:code/revisions/:revision/restore", a.restoreRevision)
}
