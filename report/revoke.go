package report

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/keyward/scan/detectors"
	"github.com/keyward/scan/internal/display"
)

// revokeGroup is one exchange's part of the "keys to revoke" checklist:
// the exchange's page, its steps in its own words, and each leaked key by
// the first characters its API page shows.
type revokeGroup struct {
	Exchange, Name, URL, Steps string
	// Advice is the rule's advice (or the finding's own), said once.
	Advice string
	Keys   []revokeKey
}

type revokeKey struct {
	// Key and Secret are redacted prefixes ("CnZf…"); either may be empty
	// when only one part was found.
	Key, Secret string
	// Where lists path:line of every place the pair was found.
	Where    []string
	Severity detectors.Severity
	Verified string
}

// revokeList gathers the exchange credentials of the findings, one entry
// per key and secret pair however many places hold it, exchanges in
// order of their most dangerous key.
func revokeList(findings []detectors.Finding, v *view) []revokeGroup {
	groups := map[string]*revokeGroup{}
	idx := map[string]int{}
	var order []string
	for i := range findings {
		f := &findings[i]
		r := v.rule(f)
		if r.Kind != detectors.KindExchange || f.Exchange == "" {
			continue
		}
		var key, secret string
		switch f.Part {
		case detectors.PartKey:
			key = f.Secret
		case detectors.PartSecret:
			secret = f.Secret
		default:
			continue // a passphrase alone is listed with its finding
		}
		for _, p := range f.Parts {
			switch {
			case p.Part == detectors.PartKey && key == "":
				key = p.Secret
			case p.Part == detectors.PartSecret && secret == "":
				secret = p.Secret
			}
		}
		g := groups[f.Exchange]
		if g == nil {
			name := r.Name
			if name == "" {
				name = f.Exchange
			}
			g = &revokeGroup{Exchange: f.Exchange, Name: name, URL: v.adviceURL(f), Advice: forPeople(v.advice(f), v.opt.Verbose)}
			if v.opt.Steps != nil {
				g.Steps = v.opt.Steps(f.Exchange)
			}
			if f.Verification != nil && f.Verification.Steps != "" {
				g.Steps = f.Verification.Steps
			}
			groups[f.Exchange] = g
			order = append(order, f.Exchange)
		}
		id := f.Exchange + "\x00" + key + "\x00" + secret
		where := fmt.Sprintf("%s:%d", f.Path, f.StartLine)
		k, seen := idx[id]
		if !seen {
			// A key found alone and later with its secret is one key.
			for j := range g.Keys {
				if key != "" && secret != "" && g.Keys[j].Secret == "" && g.Keys[j].Key == v.secret(key) {
					k, seen = j, true
					g.Keys[j].Secret = v.secret(secret)
					idx[id] = j
					break
				}
			}
		}
		if !seen {
			rk := revokeKey{Severity: f.Severity}
			if key != "" {
				rk.Key = v.secret(key)
			}
			if secret != "" {
				rk.Secret = v.secret(secret)
			}
			g.Keys = append(g.Keys, rk)
			k = len(g.Keys) - 1
			idx[id] = k
		}
		rk := &g.Keys[k]
		rk.Severity = max(rk.Severity, f.Severity)
		if w := verifiedWords(f, v); w != "" && f.Verification.Status != detectors.VerifyNotChecked {
			rk.Verified = w
		}
		if !inList(rk.Where, where) {
			rk.Where = append(rk.Where, where)
		}
	}
	out := make([]revokeGroup, 0, len(order))
	for _, id := range order {
		out = append(out, *groups[id])
	}
	top := func(g revokeGroup) detectors.Severity {
		s := detectors.SeverityUnset
		for _, k := range g.Keys {
			s = max(s, k.Severity)
		}
		return s
	}
	sort.SliceStable(out, func(i, j int) bool { return top(out[i]) > top(out[j]) })
	return out
}

// sharedAdvice returns the advice to say once under the checklist, and
// clears it from the groups, when every exchange's advice is the same words
// but for its name: printed under each of five exchanges, one paragraph
// read five times buries the steps that differ.
func sharedAdvice(groups []revokeGroup, verbose bool) string {
	if len(groups) < 2 {
		return ""
	}
	for _, g := range groups {
		if g.Advice != forPeople(detectors.ExchangeAdvice(g.Name), false) {
			return ""
		}
	}
	if verbose {
		// Verbose advice says what each key could do: keep it per exchange.
		return ""
	}
	for i := range groups {
		groups[i].Advice = ""
	}
	return detectors.ExchangeAdviceAll
}

func inList(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// writeTextRevoke opens a report holding exchange keys with the checklist
// a trader works through, exchange by exchange.
func writeTextRevoke(b *bytes.Buffer, groups []revokeGroup, shared string, p painter, brief bool) {
	if len(groups) == 0 {
		return
	}
	n := 0
	for _, g := range groups {
		n += len(g.Keys)
	}
	b.WriteString(p.paint(ansiBoldRd, fmt.Sprintf("Keys to revoke, by exchange (%s)", plural(int64(n), "key"))) + "\n")
	for _, g := range groups {
		head := "  " + p.paint(ansiBold, display.Text(g.Name))
		if g.URL != "" {
			head += "  " + display.Text(g.URL)
		}
		b.WriteString(head + "\n")
		for _, k := range g.Keys {
			var id []string
			if k.Key != "" {
				id = append(id, "key "+display.Text(k.Key))
			}
			if k.Secret != "" {
				id = append(id, "secret "+display.Text(k.Secret))
			}
			fmt.Fprintf(b, "    [ ] %s  in %s\n", strings.Join(id, ", "), display.Text(strings.Join(k.Where, ", ")))
			if k.Verified != "" {
				fmt.Fprintf(b, "        checked %s\n", display.Text(k.Verified))
			}
		}
		if brief {
			continue
		}
		for i, line := range wrap(g.Steps, 72) {
			lead := "        "
			if i == 0 {
				lead = "    → "
			}
			b.WriteString(lead + display.Text(line) + "\n")
		}
		for _, line := range wrap(g.Advice, 74) {
			b.WriteString("    " + display.Text(line) + "\n")
		}
	}
	if !brief {
		for _, line := range wrap(shared, 76) {
			b.WriteString("  " + display.Text(line) + "\n")
		}
	}
	b.WriteByte('\n')
}

// forPeople trims advice written for programs and auditors: the API call
// that shows what a leaked key could do belongs in --verbose and JSON, not
// in what a person reads first.
func forPeople(advice string, verbose bool) string {
	if verbose {
		return advice
	}
	if i := strings.Index(advice, " What the leaked key could do:"); i >= 0 {
		return advice[:i]
	}
	return advice
}
