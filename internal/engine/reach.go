package engine

import "strings"

// Reach says how far, in lines, what the engine finds on one line may
// depend on the lines around it. A reader that scans part of a file
// (content's revision reads) must look this far past the lines it keeps.
type Reach struct {
	// Above is how many lines above a keyword hit its window takes in
	// (the largest WindowBefore), and at least the lines a value's
	// context reaches up (the line above for allow comments and
	// validators, two lines around an encoded run).
	Above int
	// Below is how many lines below a keyword hit its window takes in:
	// the largest WindowAfter and the two lines a window adds when it
	// ends on an opened value (openValueEnd). Those two are counted
	// after skipping blank lines, so a reader should count non-blank
	// lines.
	Below int
	// Link is how many lines apart the parts of one credential may stand
	// (Options.LinkLines).
	Link int
}

// Reach returns the engine's reach, from its rules and options.
func (e *Engine) Reach() Reach {
	r := Reach{Above: max(3, decodeContext), Below: decodeContext + 2, Link: e.opt.LinkLines}
	for i := range e.rules {
		r.Above = max(r.Above, e.rules[i].WindowBefore)
		r.Below = max(r.Below, e.rules[i].WindowAfter+2)
	}
	return r
}

// WholeChunk reports whether some rule reads a chunk at path as one
// window: a rule without keywords, a path keyword the path holds, an
// exchange rule in a notebook. What such a rule finds may depend on any
// byte of the chunk, so the chunk cannot be read in pieces.
func (e *Engine) WholeChunk(path string) bool {
	if len(e.always) > 0 || len(e.anyPath) > 0 {
		return true
	}
	lower := strings.ToLower(path)
	if strings.HasSuffix(lower, ".ipynb") {
		for i := range e.rules {
			if e.rules[i].Exchange != "" {
				return true
			}
		}
	}
	hit := false
	if e.pathKeywords != nil {
		e.pathKeywords.scan([]byte(lower), func(int32, int) { hit = true })
	}
	return hit
}
