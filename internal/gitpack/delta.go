package gitpack

import "fmt"

// applyDelta builds a delta's target from base. A delta is the base's
// size, the target's size (varints), then instructions: a byte with its
// top bit set copies from the base (its low bits say which offset and
// size bytes follow, a size of 0 meaning 64 KiB); a byte 1–127 inserts
// that many literal bytes that follow it; 0 is reserved. When copies is
// not nil the copies are appended to it, adjacent ones merged.
func applyDelta(base, delta []byte, maxObject int64, copies *[]Copy) ([]byte, error) {
	baseSize, delta, err := deltaSize(delta)
	if err != nil {
		return nil, err
	}
	if baseSize != uint64(len(base)) {
		return nil, fmt.Errorf("%w: delta for a base of %d bytes applied to one of %d", ErrCorrupt, baseSize, len(base))
	}
	size, delta, err := deltaSize(delta)
	if err != nil {
		return nil, err
	}
	if size > uint64(maxObject) {
		return nil, fmt.Errorf("%w: delta target of %d bytes", ErrTooLarge, size)
	}
	out := make([]byte, size)
	pos := 0
	for len(delta) > 0 {
		op := delta[0]
		delta = delta[1:]
		switch {
		case op&0x80 != 0:
			var from, n uint64
			for i := range 7 {
				if op&(1<<i) == 0 {
					continue
				}
				if len(delta) == 0 {
					return nil, fmt.Errorf("%w: truncated copy instruction", ErrCorrupt)
				}
				if i < 4 {
					from |= uint64(delta[0]) << (8 * i)
				} else {
					n |= uint64(delta[0]) << (8 * (i - 4))
				}
				delta = delta[1:]
			}
			if n == 0 {
				n = 0x10000
			}
			if from+n > uint64(len(base)) || n > uint64(len(out)-pos) {
				return nil, fmt.Errorf("%w: delta copies %d bytes from %d of a %d-byte base to %d of %d", ErrCorrupt, n, from, len(base), pos, len(out))
			}
			copy(out[pos:], base[from:from+n])
			if copies != nil {
				c := Copy{From: int(from), To: pos, Len: int(n)}
				if l := len(*copies) - 1; l >= 0 && (*copies)[l].From+(*copies)[l].Len == c.From && (*copies)[l].To+(*copies)[l].Len == c.To {
					(*copies)[l].Len += c.Len
				} else {
					*copies = append(*copies, c)
				}
			}
			pos += int(n)
		case op != 0:
			n := int(op)
			if n > len(delta) || n > len(out)-pos {
				return nil, fmt.Errorf("%w: delta inserts %d bytes past its end or its target's", ErrCorrupt, n)
			}
			copy(out[pos:], delta[:n])
			delta = delta[n:]
			pos += n
		default:
			return nil, fmt.Errorf("%w: reserved delta instruction 0", ErrCorrupt)
		}
	}
	if pos != len(out) {
		return nil, fmt.Errorf("%w: delta builds %d of its %d bytes", ErrCorrupt, pos, len(out))
	}
	return out, nil
}

// deltaSize reads one of a delta's little-endian size varints.
func deltaSize(b []byte) (uint64, []byte, error) {
	var v uint64
	for shift := 0; ; shift += 7 {
		if len(b) == 0 || shift > 63 {
			return 0, nil, fmt.Errorf("%w: bad delta size", ErrCorrupt)
		}
		c := b[0]
		b = b[1:]
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, b, nil
		}
	}
}
