package exchange

import (
	"bytes"
	"errors"
	"testing"

	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
)

// FuzzReadValues feeds arbitrary bytes to the CSV importer: it must never panic, and it must
// return either values that are all valid — known units and metrics, values that pass
// schema.ValidateValue — or an *ImportError of kind Invalid with at least one problem, never
// both and never neither.
func FuzzReadValues(f *testing.F) {
	fx := mustMini(f)
	var tpl bytes.Buffer
	if err := WriteTemplateCSV(&tpl, fx.scheme, fx.units, existing, i18n.ZH); err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][]byte{
		tpl.Bytes(),
		mustReadFile(f, "testdata/gbk.csv"),
		[]byte("unit,target,actual,falsified,remark\na,1000,998,是,'=x\nb,\"1,000\",-1,maybe,\n"),
		[]byte("标题\n\n单位名称;任务数（人）;覆盖率\n甲;４３;58%\n甲;1;2\n"),
		[]byte("单位代码\t任务数\r\na\t1e3\r\n"),
		[]byte("\xff\xfeu\x00n\x00i\x00t\x00"),
		[]byte("unit,target\na,\"1000\nb,2\n"),
		[]byte("\xb5\xa5\xce\xbb\xb4\xfa\xc2\xeb,x\n"),
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
		if bytes.HasPrefix(data, zipMagic) || bytes.HasPrefix(data, oleMagic) {
			t.Skip("not CSV")
		}
		got, err := ReadValues(data, "fuzz.csv", "text/csv", fx.scheme, fx.units)
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
			if len(values) == 0 {
				t.Fatalf("unit %q with no values", unit)
			}
			for code, v := range values {
				i, ok := metrics[code]
				if !ok {
					t.Fatalf("unknown metric %q", code)
				}
				norm, err := schema.ValidateValue(fx.scheme.Metrics[i], v)
				if err != nil || norm != v {
					t.Fatalf("%s.%s = %#v: %v", unit, code, v, err)
				}
			}
		}
	})
}
