package seeds

import (
	"embed"
	"io/fs"
	"sort"
)

//go:embed *.yaml
var files embed.FS

// FS is the embedded seed documents, one *.yaml file per scheme.
func FS() fs.FS { return files }

// Names lists the embedded seed documents' file names in order.
func Names() []string {
	entries, _ := fs.ReadDir(files, ".")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// Read returns one seed document's YAML text.
func Read(name string) ([]byte, error) {
	return fs.ReadFile(files, name)
}
