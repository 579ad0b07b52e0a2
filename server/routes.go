package server

import "github.com/gofiber/fiber/v2"

// v1Prefix is the path of the API's routes.
const v1Prefix = "/api/v1"

// routes lists every route of the API; openapi.yaml describes each (the contract test checks
// both ways) and accessRules says who may call it.
func (a *api) routes(app *fiber.App) {
	a.route(app, "", "GET", "/healthz", a.getHealth)
	a.route(app, "", "GET", "/openapi.yaml", a.getOpenAPI)
	a.route(app, "", "GET", "/docs", a.getDocs)
	a.route(app, "", "GET", "/docs/:file", a.getDocsFile)
	a.route(app, "", "GET", "/", a.serveAsset("index.html"))
	a.route(app, "", "GET", "/console.js", a.serveAsset("console.js"))
	a.route(app, "", "GET", "/console.css", a.serveAsset("console.css"))

	v1 := app.Group(v1Prefix, a.authenticate, a.rateLimit)
	a.route(v1, v1Prefix, "GET", "/token", a.getCurrentToken)
	a.route(v1, v1Prefix, "GET", "/tokens", a.listTokens)
	a.route(v1, v1Prefix, "POST", "/tokens", a.createToken)
	a.route(v1, v1Prefix, "DELETE", "/tokens/:name", a.revokeToken)

	a.route(v1, v1Prefix, "POST", "/webhooks", a.createWebhook)
	a.route(v1, v1Prefix, "GET", "/webhooks", a.listWebhooks)
	a.route(v1, v1Prefix, "GET", "/webhooks/:id/deliveries", a.listDeliveries)
	a.route(v1, v1Prefix, "POST", "/webhooks/:id/ping", a.pingWebhook)

	a.route(v1, v1Prefix, "GET", "/schemes", a.listSchemes)
	a.route(v1, v1Prefix, "POST", "/schemes", a.createScheme)
	a.route(v1, v1Prefix, "GET", "/schemes/:code", a.getScheme)
	a.route(v1, v1Prefix, "PUT", "/schemes/:code", a.replaceScheme)
	a.route(v1, v1Prefix, "DELETE", "/schemes/:code", a.deleteScheme)
	a.route(v1, v1Prefix, "POST", "/schemes/:code/check", a.checkScheme)
	a.route(v1, v1Prefix, "GET", "/schemes/:code/history", a.listHistory)

	a.route(v1, v1Prefix, "GET", "/schemes/:code/items", a.listItems)
	a.route(v1, v1Prefix, "POST", "/schemes/:code/items", a.createItem)
	a.route(v1, v1Prefix, "GET", "/schemes/:code/items/:item", a.getItem)
	a.route(v1, v1Prefix, "PATCH", "/schemes/:code/items/:item", a.patchItem)
	a.route(v1, v1Prefix, "DELETE", "/schemes/:code/items/:item", a.deleteItem)

	a.route(v1, v1Prefix, "GET", "/schemes/:code/metrics", a.listMetrics)
	a.route(v1, v1Prefix, "POST", "/schemes/:code/metrics", a.createMetric)
	a.route(v1, v1Prefix, "GET", "/schemes/:code/metrics/:metric", a.getMetric)
	a.route(v1, v1Prefix, "PATCH", "/schemes/:code/metrics/:metric", a.patchMetric)
	a.route(v1, v1Prefix, "DELETE", "/schemes/:code/metrics/:metric", a.deleteMetric)

	a.route(v1, v1Prefix, "GET", "/schemes/:code/units", a.listUnits)
	a.route(v1, v1Prefix, "POST", "/schemes/:code/units", a.createUnit)
	a.route(v1, v1Prefix, "GET", "/schemes/:code/units/:unit", a.getUnit)
	a.route(v1, v1Prefix, "PUT", "/schemes/:code/units/:unit", a.replaceUnit)
	a.route(v1, v1Prefix, "DELETE", "/schemes/:code/units/:unit", a.deleteUnit)

	a.route(v1, v1Prefix, "GET", "/schemes/:code/units/:unit/values", a.getValues)
	a.route(v1, v1Prefix, "PUT", "/schemes/:code/units/:unit/values", a.putValues)
	a.route(v1, v1Prefix, "PATCH", "/schemes/:code/units/:unit/values", a.patchValues)
	a.route(v1, v1Prefix, "POST", "/schemes/:code/values", a.setValues)
	a.route(v1, v1Prefix, "GET", "/schemes/:code/values/history", a.listValueHistory)
	a.route(v1, v1Prefix, "POST", "/schemes/:code/values/import", a.importValues)
	a.route(v1, v1Prefix, "GET", "/schemes/:code/template", a.getTemplate)

	a.route(v1, v1Prefix, "GET", "/schemes/:code/results", a.getResults)
	a.route(v1, v1Prefix, "GET", "/schemes/:code/results/compare", a.compareResults) // before :unit
	a.route(v1, v1Prefix, "GET", "/schemes/:code/results/:unit", a.getUnitResult)

	a.route(v1, v1Prefix, "GET", "/schemes/:code/revisions", a.listRevisions)
	a.route(v1, v1Prefix, "GET", "/schemes/:code/revisions/:revision", a.getRevision)
	a.route(v1, v1Prefix, "POST", "/schemes/:code/revisions/:revision/restore", a.restoreRevision)

	a.route(v1, v1Prefix, "GET", "/schemes/:code/layers", a.listWindows)
	a.route(v1, v1Prefix, "PUT", "/schemes/:code/layers/:layer", a.putWindow)

	a.route(v1, v1Prefix, "POST", "/schemes/:code/publications", a.createPublication)
	a.route(v1, v1Prefix, "GET", "/schemes/:code/publications", a.listPublications)
	a.route(v1, v1Prefix, "GET", "/schemes/:code/publications/:n", a.getPublication)
	a.route(v1, v1Prefix, "GET", "/schemes/:code/publications/:n/results/:unit", a.getPublishedUnit)
	a.route(v1, v1Prefix, "GET", "/schemes/:code/publications/:a/diff/:b", a.getDiff)
}
