package exchange

import (
	"archive/zip"
	"bytes"
	"io"
	"slices"
	"strings"
)

// writeSorted copies the zip (an XLSX file) in data to w with its entries in name order,
// their compressed bytes as they are. excelize writes the parts of a workbook, streamed
// sheets among them, in the order of a map, so that the same workbook comes out as different
// bytes from one run to the next: a publication's workbook must be the same file every time
// it is exported (its bytes can then be compared, or hashed, by whoever receives it).
func writeSorted(w io.Writer, data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	files := slices.Clone(zr.File)
	slices.SortFunc(files, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	zw := zip.NewWriter(w)
	for _, f := range files {
		raw, err := f.OpenRaw()
		if err != nil {
			return err
		}
		out, err := zw.CreateRaw(&f.FileHeader)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, raw); err != nil {
			return err
		}
	}
	return zw.Close()
}
