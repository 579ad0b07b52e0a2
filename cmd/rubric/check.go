package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema"
)

// runCheck runs `rubric check FILE.yaml…`: it validates each scheme document as the server
// would before saving it, printing every error as file:line:col: item: message and every
// warning likewise. It fails (exit 1) if any file has an error.
func runCheck(args []string, stdout, stderr io.Writer) error {
	if wantsHelp(args) {
		say(stdout, "Usage:\n%s\n", synopsis(langOf(stdout), "check"))
		return nil
	}
	if len(args) == 0 {
		return usageError("check needs a file: rubric check FILE.yaml")
	}
	failed := false
	for _, file := range args {
		if !checkFile(file, stdout, stderr) {
			failed = true
		}
	}
	if failed {
		return &exitError{code: 1, err: errors.New("")}
	}
	return nil
}

// checkFile validates one file and reports whether it is valid.
func checkFile(file string, stdout, stderr io.Writer) bool {
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", file, err)
		return false
	}
	pos := newPositions(data)
	doc, err := schema.DecodeYAML(bytes.NewReader(data))
	var warnings []formulas.Warning
	if err == nil {
		warnings, err = schema.Validate(doc)
	}
	for _, w := range warnings {
		line, col := pos.item(w.Item)
		say(stdout, "%s: warning: %s\n", located(file, line, col, w.Item), w.In(langOf(stdout)).Message)
	}
	if err == nil {
		say(stdout, "%s: ok: %q, %d metrics, %d items, %d outputs, %d units\n", file, doc.Code,
			len(doc.Metrics), countItems(doc.Items), len(doc.Outputs), len(doc.Units))
		return true
	}
	var se *schema.Error
	if !errors.As(err, &se) || (len(se.Problems) == 0 && len(se.Errors) == 0) {
		line, col := yamlErrorLine(err)
		fmt.Fprintf(stderr, "%s: %s\n", located(file, line, col, ""), schema.ErrorMessage(err))
		return false
	}
	for _, p := range se.Problems {
		line, col := pos.path(p.Field)
		if p.Line > 0 && p.Line != line {
			line, col = p.Line, 1
		}
		msg := p.Message
		if p.Line > 0 {
			msg = strings.TrimSuffix(msg, fmt.Sprintf(" (line %d)", p.Line))
		}
		fmt.Fprintf(stderr, "%s: %s\n", located(file, line, col, p.Field), msg)
	}
	for _, fe := range se.Errors {
		line, col := pos.formula(fe)
		fmt.Fprintf(stderr, "%s: %s\n", located(file, line, col, fe.Item), fe.Message)
	}
	return false
}

// located is file:line:col: what, leaving out what is unknown.
func located(file string, line, col int, what string) string {
	s := file
	if line > 0 {
		s += ":" + strconv.Itoa(line)
		if col > 0 {
			s += ":" + strconv.Itoa(col)
		}
	}
	if what != "" {
		s += ": " + what
	}
	return s
}

func countItems(items []formulas.Item) int {
	n := len(items)
	for _, it := range items {
		n += countItems(it.Children)
	}
	return n
}

var yamlLineRe = regexp.MustCompile(`line (\d+)`)

// yamlErrorLine finds the line a YAML syntax error names.
func yamlErrorLine(err error) (int, int) {
	if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n, 1
	}
	return 0, 0
}

// positions finds where things are in a YAML scheme document.
type positions struct {
	lines    []string
	root     *yaml.Node
	formulas map[string]*yaml.Node // item or output code → its formula node
	codes    map[string]*yaml.Node // item or output code → its mapping
}

func newPositions(data []byte) *positions {
	p := &positions{lines: strings.Split(string(data), "\n"), formulas: map[string]*yaml.Node{}, codes: map[string]*yaml.Node{}}
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		return p
	}
	p.root = root.Content[0]
	var walk func(list *yaml.Node)
	walk = func(list *yaml.Node) {
		if list == nil || list.Kind != yaml.SequenceNode {
			return
		}
		for _, it := range list.Content {
			code := value(it, "code")
			if code == nil {
				continue
			}
			p.codes[code.Value] = it
			if f := value(it, "formula"); f != nil {
				p.formulas[code.Value] = f
			}
			walk(value(it, "children"))
		}
	}
	walk(value(p.root, "items"))
	walk(value(p.root, "outputs"))
	if v := value(p.root, "veto"); v != nil {
		if f := value(v, "formula"); f != nil {
			p.formulas["veto"] = f
		}
	}
	return p
}

// value is the value of key in a mapping node, or nil.
func value(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// item is where an item or output is declared.
func (p *positions) item(code string) (int, int) {
	if n := p.codes[code]; n != nil {
		return n.Line, n.Column
	}
	return 0, 0
}

// formula is where a formula error is in the file: the formula's own line and column shifted
// to where the formula starts (a block scalar starts on the next line, a quoted one after its
// quote; a folded one is followed through the lines it was folded from).
func (p *positions) formula(fe *formulas.Error) (int, int) {
	n := p.formulas[fe.Item]
	if n == nil {
		return p.item(fe.Item)
	}
	if fe.Line == 0 {
		return n.Line, n.Column
	}
	switch n.Style {
	case yaml.LiteralStyle:
		return n.Line + fe.Line, p.indent(n.Line+1) + fe.Column
	case yaml.FoldedStyle:
		if fe.Line == 1 {
			// Follow the folded column back through the lines joined by spaces.
			rest := fe.Column
			for line := n.Line + 1; line <= len(p.lines); line++ {
				text := strings.TrimSpace(p.lines[line-1])
				if rest <= len(text)+1 || line == len(p.lines) {
					return line, p.indent(line) + rest
				}
				rest -= len(text) + 1
			}
		}
		return n.Line + 1, p.indent(n.Line+1) + 1
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		if fe.Line > 1 {
			return n.Line + fe.Line - 1, fe.Column
		}
		return n.Line, n.Column + fe.Column
	}
	if fe.Line > 1 {
		return n.Line + fe.Line - 1, fe.Column
	}
	return n.Line, n.Column + fe.Column - 1
}

// indent is the number of spaces that start a line (1-based).
func (p *positions) indent(line int) int {
	if line < 1 || line > len(p.lines) {
		return 0
	}
	l := p.lines[line-1]
	return len(l) - len(strings.TrimLeft(l, " "))
}

var pathPartRe = regexp.MustCompile(`([^.\[\]]+)|\[(\d+)\]`)

// path is where a document path such as items[0].children[1].formula is.
func (p *positions) path(field string) (int, int) {
	n := p.root
	if n == nil || field == "" {
		return 0, 0
	}
	line, col := n.Line, n.Column
	for _, m := range pathPartRe.FindAllStringSubmatch(field, -1) {
		var next *yaml.Node
		switch {
		case m[1] != "" && n.Kind == yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == m[1] {
					line, col = n.Content[i].Line, n.Content[i].Column
					next = n.Content[i+1]
				}
			}
		case m[2] != "" && n.Kind == yaml.SequenceNode:
			if i, _ := strconv.Atoi(m[2]); i < len(n.Content) {
				next = n.Content[i]
				line, col = next.Line, next.Column
			}
		}
		if next == nil {
			break
		}
		n = next
	}
	return line, col
}
