package exchange

import (
	"time"

	"github.com/rubric-dev/rubric/i18n"
)

// Stamp identifies a publication in an exported file: its number, when it was made and the
// SHA-256 of its content, so that a printed or mailed copy can be checked against rubric.
type Stamp struct {
	Number int
	At     time.Time
	Hash   string
}

// recordIn is the stamp as the cells of one row, in l: 公布, 第N次, the time (RFC 3339, UTC),
// SHA-256, the hash.
func (s *Stamp) recordIn(l i18n.Lang) []string {
	return []string{tr(l, "Publication"), tr(l, "No. %d", s.Number), s.At.UTC().Format(time.RFC3339), "SHA-256", s.Hash}
}
