package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/keyward/scan/detectors"
)

// writeSARIFRepositories writes a scan of many repositories as one run per
// repository, each with its own versionControlProvenance, so that a
// repository's results map to its own files. Runs follow opt.Repositories'
// order; each is held to code scanning's per-run result limit. (Code
// scanning takes one repository's results per upload: split the runs to
// upload them.)
func writeSARIFRepositories(w io.Writer, findings []detectors.Finding, opt Options, lim sarifLimits) error {
	opt.ShowSecrets = false
	byRepo := map[string][]detectors.Finding{}
	for _, f := range findings {
		byRepo[f.Repository] = append(byRepo[f.Repository], f)
	}
	log := sarifLog{Schema: sarifSchema, Version: sarifVersion}
	for _, rr := range opt.Repositories {
		fs := byRepo[rr.Name]
		var notes []string
		if n := len(fs); n > lim.resultsPerRun {
			fs = mostSevere(fs, lim.resultsPerRun)
			notes = append(notes, fmt.Sprintf("%d results over code scanning's limit of %d per run were left out; the least severe went first", n-lim.resultsPerRun, lim.resultsPerRun))
		}
		o := opt
		o.Root, o.Repository, o.Revision, o.Branch = "", rr.URL, rr.Revision, ""
		run := buildSARIF(fs, rr.Stats, o, lim, &notes).Runs[0]
		inv := run.Invocations[0]
		for _, n := range notes {
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{Level: "warning", Message: sarifText{Text: n}})
			opt.warn("SARIF: %s: %s", rr.Name, n)
		}
		run.Invocations = []sarifInvocation{inv}
		if run.Properties == nil {
			run.Properties = map[string]any{}
		}
		run.Properties["repository"] = rr.Name
		log.Runs = append(log.Runs, run)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}
