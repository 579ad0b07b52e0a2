package exchange

import (
	"archive/zip"
	"bytes"
	"errors"
	"testing"

	"github.com/rubric-dev/rubric/schema"
)

// FuzzReadValuesXLSX feeds arbitrary bytes and mutated templates to the XLSX importer: it
// must never panic, and it must return either values that are all valid or an *ImportError
// of kind Invalid with problems, never both and never neither (as FuzzReadValues asks of CSV).
func FuzzReadValuesXLSX(f *testing.F) {
	fx := mustMini(f)
	var blank, filled bytes.Buffer
	if err := WriteTemplateXLSX(&blank, fx.scheme, fx.units, nil, Meta{}); err != nil {
		f.Fatal(err)
	}
	if err := WriteTemplateXLSX(&filled, fx.scheme, fx.units, existing, Meta{Title: "填报", Layer: "self"}); err != nil {
		f.Fatal(err)
	}
	tpl := filled.Bytes()
	flipped := bytes.Clone(tpl)
	for i := len(flipped) / 3; i < len(flipped); i += len(flipped) / 7 {
		flipped[i] ^= 0x5a
	}
	for _, seed := range [][]byte{
		blank.Bytes(),
		tpl,
		tpl[:len(tpl)/2],  // cut short
		tpl[:len(tpl)-22], // without the end of the central directory
		flipped,           // damaged inside the entries
		mustZip(f, map[string]string{"[Content_Types].xml": "<Types/>"}),
		mustZip(f, map[string]string{"xl/workbook.xml": `<workbook><sheets><sheet name="x" sheetId="1" r:id="rId1"/></sheets></workbook>`}),
		zipMagic,
		oleMagic,
		[]byte("unit,target\na,1\n"),
		nil,
	} {
		f.Add(seed)
	}
	metrics := map[string]int{}
	for i, m := range fx.scheme.Metrics {
		metrics[m.Code] = i
	}
	roster := map[string]bool{}
	for _, u := range fx.units {
		roster[u.Code] = true
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ReadValues(data, "fuzz.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fx.scheme, fx.units)
		if err != nil {
			if got != nil {
				t.Fatalf("values %v with error %v", got, err)
			}
			var ie *ImportError
			if !errors.As(err, &ie) || len(ie.Problems) == 0 || schema.ErrorKind(err) != schema.Invalid {
				t.Fatalf("error %#v: want an *ImportError of kind invalid with problems", err)
			}
			for _, p := range ie.Problems {
				if p.Message == "" {
					t.Fatalf("a problem without a message: %+v", p)
				}
			}
			return
		}
		if got == nil {
			t.Fatal("no values and no error")
		}
		for unit, values := range got {
			if !roster[unit] {
				t.Fatalf("unit %q is not on the roster", unit)
			}
			for code, v := range values {
				i, ok := metrics[code]
				if !ok {
					t.Fatalf("unknown metric %q", code)
				}
				if norm, err := schema.ValidateValue(fx.scheme.Metrics[i], v); err != nil || norm != v {
					t.Fatalf("%s.%s = %#v: %v", unit, code, v, err)
				}
			}
		}
	})
}

// mustZip is a zip archive of the given files.
func mustZip(tb testing.TB, files map[string]string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, text := range files {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write([]byte(text)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
