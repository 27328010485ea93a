package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/keyward/scan/detectors"
)

// writeSARIFRepositories writes a scan of many repositories as one run per
// repository, each with its own versionControlProvenance and category, so
// that a repository's results map to its own files; past code scanning's
// limit on runs per file, repositories share runs (fitSARIF). Runs follow
// opt.Repositories' order.
func writeSARIFRepositories(w io.Writer, findings []detectors.Finding, opt Options, lim sarifLimits) error {
	opt.ShowSecrets = false
	byRepo := map[string][]detectors.Finding{}
	for _, f := range findings {
		byRepo[f.Repository] = append(byRepo[f.Repository], f)
	}
	units := make([]*sarifUnit, 0, len(opt.Repositories))
	for _, rr := range opt.Repositories {
		o := opt
		o.Root, o.Repository, o.Revision, o.Branch = "", rr.URL, rr.Revision, ""
		run := buildSARIF(byRepo[rr.Name], rr.Stats, o)
		if run.Properties == nil {
			run.Properties = map[string]any{}
		}
		run.Properties["repository"] = rr.Name
		units = append(units, &sarifUnit{run: run, name: rr.Name})
	}
	b, err := fitSARIF(units, lim, &opt)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// MergeSARIF joins the SARIF reports of the shards of one scan of many
// repositories (scan merge) into what one unsharded run writes: a run per
// repository, each once, in name order, held to code scanning's limits
// like any SARIF this tool writes (warn hears what was left out). It
// returns the file, its number of results and whether any repository's
// scan was incomplete.
func MergeSARIF(names []string, inputs [][]byte, warn func(string)) ([]byte, int, bool, error) {
	byName := map[string]*sarifUnit{}
	for i, data := range inputs {
		var log sarifLog
		dec := json.NewDecoder(bytes.NewReader(data))
		// Merging must not drop what it does not know: a report of
		// another version of the tool is refused, not half copied.
		dec.DisallowUnknownFields()
		if err := dec.Decode(&log); err != nil {
			return nil, 0, false, fmt.Errorf("merge: %s: not a SARIF report of this version of the tool: %w", names[i], err)
		}
		if log.Version != sarifVersion {
			return nil, 0, false, fmt.Errorf("merge: %s is SARIF %s, want %s", names[i], log.Version, sarifVersion)
		}
		for _, run := range log.Runs {
			units, err := unfoldRun(run)
			if err != nil {
				return nil, 0, false, fmt.Errorf("merge: %s: %w", names[i], err)
			}
			for _, u := range units {
				// A report given twice counts once.
				if byName[u.name] == nil {
					byName[u.name] = u
				}
			}
		}
	}
	if len(byName) == 0 {
		return nil, 0, false, errors.New("merge: no runs in the reports")
	}
	units := make([]*sarifUnit, 0, len(byName))
	results, incomplete := 0, false
	for _, n := range slices.Sorted(maps.Keys(byName)) {
		u := byName[n]
		units = append(units, u)
		if b, _ := u.run.Properties["incomplete"].(bool); b {
			incomplete = true
		}
	}
	b, err := fitSARIF(units, githubLimits, &Options{Warn: warn})
	if err != nil {
		return nil, 0, false, err
	}
	for _, u := range units {
		results += len(u.run.Results)
	}
	return b, results, incomplete, nil
}
