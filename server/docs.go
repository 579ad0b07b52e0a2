package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"
	"gopkg.in/yaml.v3"

	"github.com/rubric-dev/rubric"
)

func (a *api) getOpenAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "application/yaml; charset=utf-8")
	return c.Send(rubric.OpenAPI)
}

func (a *api) getDocs(c *fiber.Ctx) error {
	securityHeaders(c)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(a.docs)
}

// renderDocs renders openapi.yaml as one self-contained HTML page: no script, no font, no
// stylesheet from elsewhere, so that /docs works offline. It runs once, when the server is
// built; the contract test makes sure openapi.yaml parses.
func renderDocs() []byte {
	var root yaml.Node
	if err := yaml.Unmarshal(rubric.OpenAPI, &root); err != nil || len(root.Content) == 0 {
		return []byte("<!doctype html><title>rubric API</title><p>openapi.yaml cannot be read: " + html.EscapeString(fmt.Sprint(err)))
	}
	spec := &specNode{root.Content[0]}
	page := buildDocPage(spec)
	var buf bytes.Buffer
	if err := docsTemplate.Execute(&buf, page); err != nil {
		return []byte("<!doctype html><title>rubric API</title><p>the documentation cannot be rendered: " + html.EscapeString(err.Error()))
	}
	return buf.Bytes()
}

// specNode is a node of the YAML document, read in document order.
type specNode struct{ *yaml.Node }

// get returns the value of key in a mapping, or nil.
func (n *specNode) get(key string) *specNode {
	if n == nil || n.Node == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return &specNode{n.Content[i+1]}
		}
	}
	return nil
}

// str is the scalar value of key, or "".
func (n *specNode) str(key string) string {
	if v := n.get(key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// pairs lists the entries of a mapping in document order.
func (n *specNode) pairs() []specPair {
	if n == nil || n.Node == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := make([]specPair, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, specPair{key: n.Content[i].Value, value: &specNode{n.Content[i+1]}})
	}
	return out
}

// items lists the elements of a sequence.
func (n *specNode) items() []*specNode {
	if n == nil || n.Node == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*specNode, len(n.Content))
	for i, c := range n.Content {
		out[i] = &specNode{c}
	}
	return out
}

type specPair struct {
	key   string
	value *specNode
}

// resolve follows a local $ref ("#/components/parameters/Limit").
func resolve(spec, n *specNode) *specNode {
	for i := 0; i < 8 && n != nil; i++ {
		ref := n.str("$ref")
		if ref == "" {
			return n
		}
		cur := spec
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			cur = cur.get(part)
		}
		n = cur
	}
	return n
}

type docPage struct {
	Title, Version string
	Description    template.HTML
	Tags           []*docTag
	Schemas        []docSchema
	Problems       []docProblem
}

type docTag struct {
	Name        string
	Description string
	Ops         []docOp
}

type docOp struct {
	ID, Method, Path, Summary string
	Description               template.HTML
	Params                    []docParam
	Body                      *docBody
	Responses                 []docResponse
}

type docParam struct {
	Name, In    string
	Type        template.HTML
	Required    bool
	Description template.HTML
}

type docBody struct {
	Types    string
	Schema   template.HTML
	Examples []docExample
}

type docResponse struct {
	Status      string
	Description template.HTML
	Types       string
	Schema      template.HTML
	Examples    []docExample
}

type docExample struct {
	Name, JSON string
}

type docSchema struct {
	Name        string
	Description template.HTML
	Type        template.HTML
	Props       []docProp
}

type docProp struct {
	Name        string
	Type        template.HTML
	Required    bool
	Description template.HTML
}

type docProblem struct {
	Anchor, Type, Title string
	Status              int
}

var methodOrder = []string{"get", "post", "put", "patch", "delete"}

func buildDocPage(spec *specNode) *docPage {
	info := spec.get("info")
	page := &docPage{Title: info.str("title"), Version: info.str("version"), Description: markdown(info.str("description"))}
	tags := map[string]*docTag{}
	for _, t := range spec.get("tags").items() {
		tag := &docTag{Name: t.str("name"), Description: t.str("description")}
		tags[tag.Name] = tag
		page.Tags = append(page.Tags, tag)
	}
	for _, p := range spec.get("paths").pairs() {
		shared := p.value.get("parameters").items()
		for _, m := range methodOrder {
			op := p.value.get(m)
			if op == nil {
				continue
			}
			d := docOp{ID: op.str("operationId"), Method: strings.ToUpper(m), Path: p.key, Summary: op.str("summary"),
				Description: markdown(op.str("description"))}
			for _, prm := range append(append([]*specNode{}, shared...), op.get("parameters").items()...) {
				prm = resolve(spec, prm)
				d.Params = append(d.Params, docParam{Name: prm.str("name"), In: prm.str("in"), Required: prm.str("required") == "true",
					Type: schemaType(spec, prm.get("schema")), Description: markdown(prm.str("description"))})
			}
			if rb := resolve(spec, op.get("requestBody")); rb != nil {
				types, sch, ex := content(spec, rb.get("content"))
				d.Body = &docBody{Types: types, Schema: sch, Examples: ex}
			}
			for _, r := range op.get("responses").pairs() {
				resp := resolve(spec, r.value)
				types, sch, ex := content(spec, resp.get("content"))
				d.Responses = append(d.Responses, docResponse{Status: r.key, Description: markdown(resp.str("description")),
					Types: types, Schema: sch, Examples: ex})
			}
			name := "other"
			if ts := op.get("tags").items(); len(ts) > 0 {
				name = ts[0].Value
			}
			tag, ok := tags[name]
			if !ok {
				tag = &docTag{Name: name}
				tags[name] = tag
				page.Tags = append(page.Tags, tag)
			}
			tag.Ops = append(tag.Ops, d)
		}
	}
	for _, s := range spec.get("components").get("schemas").pairs() {
		ds := docSchema{Name: s.key, Description: markdown(s.value.str("description")), Type: schemaType(spec, s.value)}
		required := map[string]bool{}
		for _, r := range s.value.get("required").items() {
			required[r.Value] = true
		}
		for _, p := range s.value.get("properties").pairs() {
			ds.Props = append(ds.Props, docProp{Name: p.key, Type: schemaType(spec, p.value), Required: required[p.key],
				Description: markdown(p.value.str("description"))})
		}
		page.Schemas = append(page.Schemas, ds)
	}
	statuses := make([]int, 0, len(problemTypes))
	for s := range problemTypes {
		statuses = append(statuses, s)
	}
	sort.Ints(statuses)
	for _, s := range statuses {
		page.Problems = append(page.Problems, docProblem{Anchor: "problem-" + problemTypes[s], Type: problemType(s), Title: http.StatusText(s), Status: s})
		if s == http.StatusUnprocessableEntity {
			page.Problems = append(page.Problems, docProblem{Anchor: strings.TrimPrefix(problemTypeInvalidFile, "/docs#"),
				Type: problemTypeInvalidFile, Title: http.StatusText(s) + " (an imported file: every problem is a cell)", Status: s})
		}
	}
	return page
}

// content describes a content map: its media types, the schema of the first and its examples.
func content(spec, n *specNode) (types string, schema template.HTML, examples []docExample) {
	var names []string
	for _, c := range n.pairs() {
		names = append(names, c.key)
		if schema == "" {
			schema = schemaType(spec, c.value.get("schema"))
		}
		if ex := c.value.get("example"); ex != nil {
			examples = append(examples, docExample{Name: c.key, JSON: exampleJSON(ex)})
		}
		for _, e := range c.value.get("examples").pairs() {
			ex := resolve(spec, e.value)
			name := e.key
			if s := ex.str("summary"); s != "" {
				name = s
			}
			examples = append(examples, docExample{Name: name, JSON: exampleJSON(ex.get("value"))})
		}
	}
	return strings.Join(names, ", "), schema, examples
}

// exampleJSON shows an example as indented JSON (a string example as it is).
func exampleJSON(n *specNode) string {
	if n == nil {
		return ""
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSpace(buf.String())
}

// schemaType describes a schema in a few words, linking the components it refers to.
func schemaType(spec, n *specNode) template.HTML {
	if n == nil {
		return ""
	}
	if ref := n.str("$ref"); ref != "" {
		name := ref[strings.LastIndex(ref, "/")+1:]
		return template.HTML(`<a href="#schema-` + html.EscapeString(name) + `">` + html.EscapeString(name) + `</a>`)
	}
	var s string
	switch t := n.str("type"); {
	case t == "array":
		s = "array of " + string(schemaType(spec, n.get("items")))
	case t == "object" && n.get("additionalProperties") != nil && n.get("properties") == nil:
		ap := n.get("additionalProperties")
		if ap.Kind == yaml.ScalarNode {
			s = "object"
		} else {
			s = "map of " + string(schemaType(spec, ap))
			if s == "map of " {
				s = "map of any"
			}
		}
	case t != "":
		s = html.EscapeString(t)
		if f := n.str("format"); f != "" {
			s += " (" + html.EscapeString(f) + ")"
		}
	case n.get("oneOf") != nil:
		var alts []string
		for _, alt := range n.get("oneOf").items() {
			alts = append(alts, string(schemaType(spec, alt)))
		}
		s = strings.Join(alts, " | ")
	default:
		s = "any"
	}
	if enum := n.get("enum").items(); len(enum) > 0 {
		var vals []string
		for _, e := range enum {
			vals = append(vals, html.EscapeString(e.Value))
		}
		s += ": " + strings.Join(vals, " | ")
	}
	if p := n.str("pattern"); p != "" {
		s += " <code>" + html.EscapeString(p) + "</code>"
	}
	if n.str("nullable") == "true" {
		s += " | null"
	}
	return template.HTML(s)
}

var (
	codeSpan = regexp.MustCompile("`([^`]+)`")
	boldSpan = regexp.MustCompile(`\*\*([^*]+)\*\*`)
)

// markdown renders the little Markdown the descriptions use: paragraphs, "- " lists, `code`
// and **bold**. Everything else is text.
func markdown(s string) template.HTML {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	inline := func(t string) string {
		t = html.EscapeString(t)
		t = codeSpan.ReplaceAllString(t, "<code>$1</code>")
		return boldSpan.ReplaceAllString(t, "<strong>$1</strong>")
	}
	var b strings.Builder
	for _, para := range strings.Split(s, "\n\n") {
		lines := strings.Split(strings.TrimSpace(para), "\n")
		if strings.HasPrefix(lines[0], "- ") {
			b.WriteString("<ul>")
			var item []string
			flush := func() {
				if len(item) > 0 {
					b.WriteString("<li>" + inline(strings.Join(item, " ")) + "</li>")
				}
				item = nil
			}
			for _, l := range lines {
				l = strings.TrimSpace(l)
				if rest, ok := strings.CutPrefix(l, "- "); ok {
					flush()
					item = append(item, rest)
				} else {
					item = append(item, l)
				}
			}
			flush()
			b.WriteString("</ul>")
			continue
		}
		b.WriteString("<p>" + inline(strings.Join(lines, " ")) + "</p>")
	}
	return template.HTML(b.String())
}

var docsTemplate = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} API {{.Version}}</title>
<style>
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;color:#1f2328;display:flex}
nav{position:sticky;top:0;height:100vh;overflow:auto;width:290px;flex:none;background:#f6f8fa;border-right:1px solid #d0d7de;padding:16px;box-sizing:border-box;font-size:13px}
nav a{display:block;color:#1f2328;text-decoration:none;padding:2px 0}nav a:hover{text-decoration:underline}
nav h3{margin:14px 0 4px;font-size:12px;text-transform:uppercase;color:#57606a}
main{padding:24px 40px;max-width:1000px;min-width:0}
h1{margin-top:0}h2{border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:40px}
.op{border:1px solid #d0d7de;border-radius:6px;margin:18px 0;padding:12px 16px}
.op h3{margin:0 0 6px;font-size:16px;font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
.m{display:inline-block;min-width:58px;text-align:center;border-radius:4px;color:#fff;font-size:12px;padding:1px 6px;margin-right:8px}
.GET{background:#0969da}.POST{background:#1a7f37}.PUT{background:#9a6700}.PATCH{background:#8250df}.DELETE{background:#cf222e}
.id{color:#57606a;font-size:12px}
table{border-collapse:collapse;width:100%;margin:6px 0;font-size:13px}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px;overflow:auto;max-height:420px}
details summary{cursor:pointer;color:#0969da;font-size:13px}
.req{color:#cf222e}
</style>
</head>
<body>
<nav>
<strong>{{.Title}} {{.Version}}</strong>
<a href="/openapi.yaml">openapi.yaml</a>
{{range .Tags}}<h3>{{.Name}}</h3>{{range .Ops}}<a href="#op-{{.ID}}"><span class="m {{.Method}}">{{.Method}}</span>{{.Path}}</a>{{end}}{{end}}
<h3>More</h3><a href="#problems">Problem types</a><a href="#schemas">Schemas</a>
</nav>
<main>
<h1>{{.Title}} API <small>{{.Version}}</small></h1>
{{.Description}}
<p>The contract itself: <a href="/openapi.yaml">/openapi.yaml</a> (OpenAPI 3.0.3), for code generators and low-code tools.</p>
{{range .Tags}}
<h2 id="tag-{{.Name}}">{{.Name}}</h2>
<p>{{.Description}}</p>
{{range .Ops}}
<section class="op" id="op-{{.ID}}">
<h3><span class="m {{.Method}}">{{.Method}}</span>{{.Path}}</h3>
<div><strong>{{.Summary}}</strong> <span class="id">operationId: {{.ID}}</span></div>
{{.Description}}
{{if .Params}}<table><tr><th>parameter</th><th>in</th><th>type</th><th>description</th></tr>
{{range .Params}}<tr><td><code>{{.Name}}</code>{{if .Required}} <span class="req">*</span>{{end}}</td><td>{{.In}}</td><td>{{.Type}}</td><td>{{.Description}}</td></tr>
{{end}}</table>{{end}}
{{with .Body}}<p><strong>Body</strong> ({{.Types}}): {{.Schema}}</p>
{{range .Examples}}<details><summary>example: {{.Name}}</summary><pre>{{.JSON}}</pre></details>{{end}}{{end}}
<table><tr><th>status</th><th>description</th><th>body</th></tr>
{{range .Responses}}<tr><td>{{.Status}}</td><td>{{.Description}}{{range .Examples}}<details><summary>example: {{.Name}}</summary><pre>{{.JSON}}</pre></details>{{end}}</td><td>{{if .Types}}{{.Types}}: {{.Schema}}{{end}}</td></tr>
{{end}}</table>
</section>
{{end}}{{end}}
<h2 id="problems">Problem types</h2>
<p>Every error is <code>application/problem+json</code>; its <code>type</code> is one of these.</p>
<table><tr><th>type</th><th>status</th><th>title</th></tr>
{{range .Problems}}<tr id="{{.Anchor}}"><td><code>{{.Type}}</code></td><td>{{.Status}}</td><td>{{.Title}}</td></tr>
{{end}}</table>
<h2 id="schemas">Schemas</h2>
{{range .Schemas}}
<section class="op" id="schema-{{.Name}}">
<h3>{{.Name}}</h3>
{{.Description}}
{{if .Props}}<table><tr><th>field</th><th>type</th><th>description</th></tr>
{{range .Props}}<tr><td><code>{{.Name}}</code>{{if .Required}} <span class="req">*</span>{{end}}</td><td>{{.Type}}</td><td>{{.Description}}</td></tr>
{{end}}</table>{{else}}<p>{{.Type}}</p>{{end}}
</section>
{{end}}
</main>
</body>
</html>
`))
