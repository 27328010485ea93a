package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/keyward/scan/detectors"
)

// How every SARIF file this tool writes is held to code scanning's limits
// (githubLimits): a file is built as units, one run's worth each (the
// single run of a scan, or one repository of a scan of many), then fitted:
//
//   - more repositories than runs allowed per file are folded into
//     runsPerFile runs, a repository always into the same one;
//   - each run keeps its most severe results, locations and rules up to
//     the per-run limits;
//   - while the gzipped file is too large, snippets go, then the least
//     severe results of the whole file.
//
// Whatever is left out is counted on its unit and said three ways: a
// warning notification and the "omitted" property of its run, and a line on
// standard error (Options.Warn). JSON reports have no such limits; the
// notes say so.

// fullReportHint is how to get what SARIF had to leave out.
const fullReportHint = "--format json lists every finding"

type sarifUnit struct {
	run sarifRun
	// name is the repository's name in a scan of many, else "".
	name string
	// What fitting left out of this unit, and the per-run result limit
	// it was held to.
	overResults, overRules, overSize, locations int
	snippets                                    bool
	resultLimit                                 int
	// prior is what an earlier writer had already left out (a report
	// being merged), kept in the run's "omitted" property.
	prior map[string]any
}

// sarifOmitted is the "omitted" property of a run that lost something.
type sarifOmitted struct {
	Results   int    `json:"results,omitempty"`
	Locations int    `json:"locations,omitempty"`
	Snippets  bool   `json:"snippets,omitempty"`
	Reason    string `json:"reason"`
	Hint      string `json:"hint"`
}

// fitSARIF fits units into one SARIF log within lim and encodes it.
func fitSARIF(units []*sarifUnit, lim sarifLimits, opt *Options) ([]byte, error) {
	groups := sarifGroups(units, lim.runsPerFile)
	for _, u := range units {
		trimLocations(u, lim.locationsPerResult)
		for i := range u.run.Tool.Driver.Rules {
			// Tags are filters, the most useful first; none is a finding.
			r := &u.run.Tool.Driver.Rules[i]
			if len(r.Properties.Tags) > lim.tagsPerRule {
				r.Properties.Tags = r.Properties.Tags[:lim.tagsPerRule]
			}
		}
	}
	for _, g := range groups {
		trimGroup(g.units, lim)
	}
	b, err := encodeUnits(groups)
	if err != nil {
		return nil, err
	}
	for size := gzipSize(b); size > lim.gzipBytes; size = gzipSize(b) {
		if stripUnitSnippets(units) {
			// Done; encode again to see whether that was enough.
		} else if total := unitResults(units); total > 0 {
			// Sizes scale about with the results kept; aim a little under.
			keep := int(float64(total) * float64(lim.gzipBytes) / float64(size) * 0.9)
			dropLeastSevere(units, min(keep, total-1), func(u *sarifUnit, n int) { u.overSize += n })
		} else {
			opt.warn("SARIF: the file is still over code scanning's %d-byte upload limit with no result in it; its warnings are what is left", lim.gzipBytes)
			break
		}
		if b, err = encodeUnits(groups); err != nil {
			return nil, err
		}
	}
	if len(units) > lim.runsPerFile {
		opt.warn("SARIF: %d repositories in %d runs: code scanning takes at most %d runs per file, so each run holds the repositories whose name hashes to it (paths start with the repository's name)",
			len(units), len(groups), lim.runsPerFile)
	}
	for _, u := range units {
		for _, n := range unitNotes(u) {
			if u.name != "" {
				opt.warn("SARIF: %s: %s", u.name, n)
			} else {
				opt.warn("SARIF: %s", n)
			}
		}
	}
	return b, nil
}

// sarifGroups assigns units to runs: one each while they fit, else by a
// hash of the repository's name, so that a repository stays in the same
// run (and keeps its alerts' category) as repositories come and go.
func sarifGroups(units []*sarifUnit, runs int) []sarifGroup {
	if len(units) <= runs || runs < 1 {
		out := make([]sarifGroup, len(units))
		for i, u := range units {
			out[i] = sarifGroup{bucket: -1, units: []*sarifUnit{u}}
		}
		return out
	}
	buckets := make([][]*sarifUnit, runs)
	for _, u := range units {
		b := sarifBucket(u.name, runs)
		buckets[b] = append(buckets[b], u)
	}
	var out []sarifGroup
	for i, b := range buckets {
		if len(b) > 0 {
			out = append(out, sarifGroup{bucket: i, of: runs, units: b})
		}
	}
	return out
}

// sarifGroup is the units that share one run; bucket is -1 for a run of
// its own.
type sarifGroup struct {
	bucket, of int
	units      []*sarifUnit
}

func sarifBucket(name string, runs int) int {
	h := fnv.New32a()
	h.Write([]byte(name))
	return int(h.Sum32() % uint32(runs))
}

// trimLocations holds every result to the locations limit; GitHub shows
// only the first location, which is the secret itself.
func trimLocations(u *sarifUnit, limit int) {
	for i := range u.run.Results {
		r := &u.run.Results[i]
		if n := len(r.Locations); n > limit {
			r.Locations = r.Locations[:limit]
			u.locations += n - limit
		}
		if n := len(r.RelatedLocations); n > limit {
			r.RelatedLocations = r.RelatedLocations[:limit]
			u.locations += n - limit
		}
	}
}

// ranked is one result of a unit, for choosing what to keep.
type ranked struct {
	u   *sarifUnit
	i   int
	sev detectors.Severity
}

// rank lists the results of units, most severe first; equals keep the
// report's order.
func rank(units []*sarifUnit) []ranked {
	var all []ranked
	for _, u := range units {
		for i := range u.run.Results {
			sev, _ := detectors.ParseSeverity(u.run.Results[i].Properties.Severity)
			all = append(all, ranked{u, i, sev})
		}
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].sev > all[b].sev })
	return all
}

// keepOnly keeps the results kept[u] of each unit, in their order.
func keepOnly(units []*sarifUnit, kept map[*sarifUnit][]int, count func(*sarifUnit, int)) {
	for _, u := range units {
		idx := kept[u]
		if len(idx) == len(u.run.Results) {
			continue
		}
		sort.Ints(idx)
		rs := make([]sarifResult, 0, len(idx))
		for _, i := range idx {
			rs = append(rs, u.run.Results[i])
		}
		count(u, len(u.run.Results)-len(rs))
		u.run.Results = rs
		pruneRules(&u.run)
	}
}

// dropLeastSevere keeps the n most severe results of units together.
func dropLeastSevere(units []*sarifUnit, n int, count func(*sarifUnit, int)) {
	all := rank(units)
	if n >= len(all) {
		return
	}
	kept := map[*sarifUnit][]int{}
	for _, r := range all[:max(n, 0)] {
		kept[r.u] = append(kept[r.u], r.i)
	}
	keepOnly(units, kept, count)
}

// trimGroup holds the units that share a run to the per-run limits on
// results and on rules.
func trimGroup(g []*sarifUnit, lim sarifLimits) {
	dropLeastSevere(g, lim.resultsPerRun, func(u *sarifUnit, n int) { u.overResults, u.resultLimit = u.overResults+n, lim.resultsPerRun })
	rules := map[string]bool{}
	for _, u := range g {
		for _, r := range u.run.Results {
			rules[r.RuleID] = true
		}
	}
	if len(rules) <= lim.rulesPerRun {
		return
	}
	clear(rules)
	kept := map[*sarifUnit][]int{}
	for _, r := range rank(g) {
		id := r.u.run.Results[r.i].RuleID
		if !rules[id] && len(rules) == lim.rulesPerRun {
			continue
		}
		rules[id] = true
		kept[r.u] = append(kept[r.u], r.i)
	}
	keepOnly(g, kept, func(u *sarifUnit, n int) { u.overRules += n })
}

// pruneRules lists only the rules the run's results still use.
func pruneRules(run *sarifRun) {
	used := map[string]bool{}
	for _, r := range run.Results {
		used[r.RuleID] = true
	}
	index := map[string]int{}
	rules := run.Tool.Driver.Rules[:0:0]
	for _, r := range run.Tool.Driver.Rules {
		if used[r.ID] {
			index[r.ID] = len(rules)
			rules = append(rules, r)
		}
	}
	run.Tool.Driver.Rules = rules
	for i := range run.Results {
		run.Results[i].RuleIndex = index[run.Results[i].RuleID]
	}
}

func unitResults(units []*sarifUnit) int {
	n := 0
	for _, u := range units {
		n += len(u.run.Results)
	}
	return n
}

func stripUnitSnippets(units []*sarifUnit) bool {
	stripped := false
	for _, u := range units {
		for i := range u.run.Results {
			for j := range u.run.Results[i].Locations {
				if r := u.run.Results[i].Locations[j].PhysicalLocation.Region; r != nil && r.Snippet != nil {
					r.Snippet = nil
					u.snippets, stripped = true, true
				}
			}
		}
	}
	return stripped
}

// unitNotes says what was left out of u and how to get it all.
func unitNotes(u *sarifUnit) []string {
	var notes []string
	if u.locations > 0 {
		notes = append(notes, fmt.Sprintf("%d locations over code scanning's limit of %d per result were left out (%s)", u.locations, githubLimits.locationsPerResult, fullReportHint))
	}
	if u.overResults > 0 {
		notes = append(notes, fmt.Sprintf("%d results over code scanning's limit of %d per run were left out; the least severe went first (%s)", u.overResults, u.resultLimit, fullReportHint))
	}
	if u.overRules > 0 {
		notes = append(notes, fmt.Sprintf("%d results of rules over code scanning's limit of rules per run were left out; the least severe went first (%s)", u.overRules, fullReportHint))
	}
	if u.snippets {
		notes = append(notes, "code snippets were left out to stay under code scanning's 10 MB upload limit")
	}
	if u.overSize > 0 {
		notes = append(notes, fmt.Sprintf("%d more results were left out to stay under code scanning's upload size limit; the least severe went first (%s)", u.overSize, fullReportHint))
	}
	return notes
}

// finished is u's run with its notes added, on copies: the run may be
// encoded again after more is left out.
func (u *sarifUnit) finished() sarifRun {
	run := u.run
	notes := unitNotes(u)
	if len(notes) == 0 && u.prior == nil {
		return run
	}
	inv := run.Invocations[0]
	inv.ToolExecutionNotifications = slices.Clip(inv.ToolExecutionNotifications)
	for _, n := range notes {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarifNotification{Level: "warning", Message: sarifText{Text: n}})
	}
	run.Invocations = append([]sarifInvocation{inv}, run.Invocations[1:]...)
	props := maps.Clone(run.Properties)
	if props == nil {
		props = map[string]any{}
	}
	om := sarifOmitted{
		Results:   u.overResults + u.overRules + u.overSize,
		Locations: u.locations,
		Snippets:  u.snippets,
		Reason:    "code scanning's limits on one SARIF upload",
		Hint:      fullReportHint,
	}
	if u.prior != nil {
		om.Results += priorInt(u.prior, "results")
		om.Locations += priorInt(u.prior, "locations")
		om.Snippets = om.Snippets || u.prior["snippets"] == true
	}
	props["omitted"] = om
	run.Properties = props
	return run
}

func priorInt(m map[string]any, k string) int {
	f, _ := m[k].(float64)
	return int(f)
}

// encodeUnits encodes the groups as runs, folding a group of several
// repositories into one.
func encodeUnits(groups []sarifGroup) ([]byte, error) {
	log := sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: make([]sarifRun, 0, len(groups))}
	for _, g := range groups {
		runs := make([]sarifRun, len(g.units))
		for i, u := range g.units {
			runs[i] = u.finished()
		}
		if g.bucket < 0 {
			if g.units[0].name != "" {
				// Runs of one tool in one upload must differ in category.
				runs[0].AutomationDetails = &sarifAutomation{ID: g.units[0].name + "/"}
			}
			log.Runs = append(log.Runs, runs[0])
			continue
		}
		names := make([]string, len(g.units))
		for i, u := range g.units {
			names[i] = u.name
		}
		run := foldRuns(runs, names)
		run.AutomationDetails = &sarifAutomation{ID: fmt.Sprintf("repositories/%02d-of-%d/", g.bucket+1, g.of)}
		log.Runs = append(log.Runs, run)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// foldRuns joins the runs of several repositories into one, reversibly
// (unfoldRun): each repository is a directory of %SRCROOT% named for it,
// so its results' paths start with its name; it keeps its own invocation
// (with its run's properties), its versionControlProvenance entry mapped
// to that directory, and each result names its repository.
func foldRuns(runs []sarifRun, names []string) sarifRun {
	out := sarifRun{
		Tool:       runs[0].Tool,
		ColumnKind: runs[0].ColumnKind,
		Results:    []sarifResult{},
		OriginalURIBaseIDs: map[string]sarifArtifact{srcRoot: {Description: &sarifText{
			Text: "A directory holding each repository of this run under its name."}}},
		Properties: map[string]any{"repositories": names},
	}
	rules := map[string]sarifRule{}
	incomplete := false
	for i, run := range runs {
		prefix := escapePath(names[i]) + "/"
		for _, r := range run.Tool.Driver.Rules {
			if _, ok := rules[r.ID]; !ok {
				rules[r.ID] = r
			}
		}
		for _, inv := range run.Invocations {
			inv.Properties = run.Properties
			inv.ToolExecutionNotifications = slices.Clone(inv.ToolExecutionNotifications)
			for j := range inv.ToolExecutionNotifications {
				inv.ToolExecutionNotifications[j].Locations = prefixLocations(inv.ToolExecutionNotifications[j].Locations, prefix)
			}
			out.Invocations = append(out.Invocations, inv)
		}
		for _, vc := range run.VersionControl {
			vc.MappedTo = &sarifArtifact{URI: prefix, URIBaseID: srcRoot}
			out.VersionControl = append(out.VersionControl, vc)
		}
		for _, res := range run.Results {
			res.Locations = prefixLocations(res.Locations, prefix)
			res.RelatedLocations = prefixLocations(res.RelatedLocations, prefix)
			out.Results = append(out.Results, res)
		}
		if b, _ := run.Properties["incomplete"].(bool); b {
			incomplete = true
		}
	}
	out.Properties["incomplete"] = incomplete
	ids := slices.Sorted(maps.Keys(rules))
	out.Tool.Driver.Rules = make([]sarifRule, len(ids))
	for i, id := range ids {
		out.Tool.Driver.Rules[i] = rules[id]
	}
	pruneRules(&out)
	// A folded run holds results of every repository: GitHub would
	// discard all of them for one that found nothing and said false.
	if len(out.Results) > 0 {
		for i := range out.Invocations {
			out.Invocations[i].ExecutionSuccessful = true
		}
	}
	return out
}

// prefixLocations returns locs with every path under prefix, on copies.
func prefixLocations(locs []sarifLocation, prefix string) []sarifLocation {
	if locs == nil {
		return nil
	}
	out := slices.Clone(locs)
	for i := range out {
		out[i].PhysicalLocation.ArtifactLocation.URI = prefix + out[i].PhysicalLocation.ArtifactLocation.URI
	}
	return out
}

// unfoldRun splits a run into the run of each repository it holds: a run
// written for one repository (properties.repository) is its own, a folded
// one (properties.repositories) is split back as foldRuns joined it.
func unfoldRun(run sarifRun) ([]*sarifUnit, error) {
	if name, _ := run.Properties["repository"].(string); name != "" {
		run.AutomationDetails = nil
		return []*sarifUnit{unitOf(run, name)}, nil
	}
	if _, ok := run.Properties["repositories"]; !ok {
		return nil, fmt.Errorf("a run names no repository: only reports of scan repos can be merged")
	}
	var units []*sarifUnit
	byName := map[string]*sarifUnit{}
	for _, inv := range run.Invocations {
		name, _ := inv.Properties["repository"].(string)
		if name == "" || byName[name] != nil {
			return nil, fmt.Errorf("a run of several repositories has an invocation that names none, or one twice")
		}
		prefix := escapePath(name) + "/"
		r := sarifRun{
			Tool:               run.Tool,
			ColumnKind:         run.ColumnKind,
			OriginalURIBaseIDs: map[string]sarifArtifact{srcRoot: rootArtifact("")},
			Results:            []sarifResult{},
			Properties:         inv.Properties,
		}
		inv.Properties = nil
		inv.ToolExecutionNotifications = slices.Clone(inv.ToolExecutionNotifications)
		for j := range inv.ToolExecutionNotifications {
			inv.ToolExecutionNotifications[j].Locations = unprefixLocations(inv.ToolExecutionNotifications[j].Locations, prefix)
		}
		r.Invocations = []sarifInvocation{inv}
		for _, vc := range run.VersionControl {
			if vc.MappedTo != nil && vc.MappedTo.URI == prefix {
				vc.MappedTo = &sarifArtifact{URIBaseID: srcRoot}
				r.VersionControl = append(r.VersionControl, vc)
			}
		}
		u := unitOf(r, name)
		byName[name] = u
		units = append(units, u)
	}
	for _, res := range run.Results {
		u := byName[res.Properties.Repository]
		if u == nil {
			return nil, fmt.Errorf("a result names repository %q, which its run does not hold", res.Properties.Repository)
		}
		prefix := escapePath(u.name) + "/"
		res.Locations = unprefixLocations(res.Locations, prefix)
		res.RelatedLocations = unprefixLocations(res.RelatedLocations, prefix)
		u.run.Results = append(u.run.Results, res)
	}
	for _, u := range units {
		pruneRules(&u.run)
	}
	return units, nil
}

func unprefixLocations(locs []sarifLocation, prefix string) []sarifLocation {
	if locs == nil {
		return nil
	}
	out := slices.Clone(locs)
	for i := range out {
		a := &out[i].PhysicalLocation.ArtifactLocation
		a.URI = strings.TrimPrefix(a.URI, prefix)
	}
	return out
}

// unitOf makes a unit of a run read back from a report; what its writer
// had already left out stays counted.
func unitOf(run sarifRun, name string) *sarifUnit {
	u := &sarifUnit{run: run, name: name}
	if om, ok := run.Properties["omitted"].(map[string]any); ok {
		u.prior = om
		run.Properties = maps.Clone(run.Properties)
		delete(run.Properties, "omitted")
		u.run = run
	}
	return u
}
