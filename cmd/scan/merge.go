package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/spf13/cobra"

	"github.com/keyward/scan/internal/regularfile"
	"github.com/keyward/scan/report"
)

func newMergeCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "merge REPORT...",
		Short: "Join the JSON or SARIF reports of shards (scan repos --shard K/N) into one",
		Long: `Join reports written by the shards of one scan (scan repos --shard K/N,
each on its own runner) into the report one unsharded run would have
written: findings in the scan's order with duplicates dropped (a report
given twice counts once), counts added up, repositories listed once, and
the result incomplete if any shard's was. All inputs must be JSON reports,
or all SARIF (whose runs, one per repository, are joined in repository
order).

The exit code is a scan's: 1 when the merged report has findings, 2 when
it is incomplete and has none, 0 when it is clean.`,
		Example: `  scan merge shard-*.json -o all.json
  scan merge shard-*.sarif -o all.sarif`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var inputs [][]byte
			for _, p := range args {
				data, err := regularfile.ReadFile(p, 1<<30)
				if err != nil {
					return fmt.Errorf("merge: %w", err)
				}
				inputs = append(inputs, data)
			}
			out, findings, incomplete, err := mergeReports(args, inputs, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if output == "" {
				if _, err := cmd.OutOrStdout().Write(out); err != nil {
					return err
				}
			} else {
				f, err := report.Create(output)
				if err != nil {
					return fmt.Errorf("create report: %w", err)
				}
				defer f.Close()
				if _, err := f.Write(out); err != nil {
					return fmt.Errorf("write report: %w", err)
				}
				if err := f.Commit(); err != nil {
					return err
				}
			}
			switch {
			case findings > 0:
				return exitCode(1)
			case incomplete:
				return incompleteError(fmt.Sprintf("merged report is incomplete: %d report(s), nothing found in what could be read", len(args)))
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the merged report to `FILE` (mode 0600) instead of standard output")
	return cmd
}

// mergeReports joins JSON or SARIF reports; it returns the merged report,
// its number of findings and whether it is incomplete.
func mergeReports(names []string, inputs [][]byte, stderr io.Writer) ([]byte, int, bool, error) {
	var probe struct {
		SchemaVersion *string         `json:"schema_version"`
		Runs          json.RawMessage `json:"runs"`
	}
	kind := ""
	for i, data := range inputs {
		probe.SchemaVersion, probe.Runs = nil, nil
		if err := json.Unmarshal(data, &probe); err != nil {
			return nil, 0, false, fmt.Errorf("merge: %s: not a JSON or SARIF report: %w", names[i], err)
		}
		k := ""
		switch {
		case probe.SchemaVersion != nil:
			k = "json"
		case probe.Runs != nil:
			k = "sarif"
		default:
			return nil, 0, false, fmt.Errorf("merge: %s: not a JSON or SARIF report of this tool", names[i])
		}
		if kind != "" && k != kind {
			return nil, 0, false, fmt.Errorf("merge: %s is %s but %s is %s: merge reports of one format", names[0], kind, names[i], k)
		}
		kind = k
	}
	if kind == "sarif" {
		return mergeSARIF(names, inputs, stderr)
	}
	return mergeJSON(names, inputs)
}

type mergedJSON struct {
	SchemaVersion string            `json:"schema_version"`
	Tool          json.RawMessage   `json:"tool"`
	Command       string            `json:"command"`
	Findings      []json.RawMessage `json:"findings"`
	Stats         mergedStats       `json:"stats"`
	Repositories  []json.RawMessage `json:"repositories,omitempty"`
}

type mergedStats struct {
	Files       int64             `json:"files"`
	Bytes       int64             `json:"bytes"`
	Commits     int64             `json:"commits"`
	DurationMS  int64             `json:"duration_ms"`
	Skipped     map[string]int64  `json:"skipped"`
	Suppressed  map[string]int64  `json:"suppressed,omitempty"`
	Warnings    []json.RawMessage `json:"warnings"`
	Noted       map[string]int64  `json:"noted"`
	Incomplete  bool              `json:"incomplete"`
	Interrupted bool              `json:"interrupted"`
}

// findingKey is what orders findings as the scan does (detectors.Less)
// and tells duplicates apart.
type findingKey struct {
	Repository  string `json:"repository"`
	Path        string `json:"path"`
	StartLine   int    `json:"start_line"`
	StartColumn int    `json:"start_column"`
	RuleID      string `json:"rule_id"`
	Fingerprint string `json:"fingerprint"`
	Commit      *struct {
		SHA string `json:"sha"`
	} `json:"commit"`
}

func (k findingKey) sha() string {
	if k.Commit == nil {
		return ""
	}
	return k.Commit.SHA
}

func (k findingKey) less(o findingKey) bool {
	switch {
	case k.Repository != o.Repository:
		return k.Repository < o.Repository
	case k.Path != o.Path:
		return k.Path < o.Path
	case k.sha() != o.sha():
		return k.sha() < o.sha()
	case k.StartLine != o.StartLine:
		return k.StartLine < o.StartLine
	case k.StartColumn != o.StartColumn:
		return k.StartColumn < o.StartColumn
	case k.RuleID != o.RuleID:
		return k.RuleID < o.RuleID
	}
	return k.Fingerprint < o.Fingerprint
}

func addCounts(dst *map[string]int64, src map[string]int64) {
	for k, v := range src {
		if *dst == nil {
			*dst = map[string]int64{}
		}
		(*dst)[k] += v
	}
}

func mergeJSON(names []string, inputs [][]byte) ([]byte, int, bool, error) {
	var m mergedJSON
	type keyed struct {
		key findingKey
		raw json.RawMessage
	}
	var all []keyed
	seenFinding := map[string]bool{}
	seenRepo := map[string]json.RawMessage{}
	seenWarning := map[string]bool{}
	seenInput := map[string]bool{}
	for i, data := range inputs {
		var r mergedJSON
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, 0, false, fmt.Errorf("merge: %s: %w", names[i], err)
		}
		if i == 0 {
			m.SchemaVersion, m.Tool, m.Command = r.SchemaVersion, r.Tool, r.Command
		} else if r.SchemaVersion != m.SchemaVersion || !bytes.Equal(compactJSON(r.Tool), compactJSON(m.Tool)) {
			return nil, 0, false, fmt.Errorf("merge: %s was written by another version of the tool or report format than %s", names[i], names[0])
		}
		// A report given twice counts once; two reports that share only
		// some repositories are not shards of one scan.
		var names2 []string
		dup := 0
		for _, rp := range r.Repositories {
			var n struct {
				Name string `json:"name"`
			}
			json.Unmarshal(rp, &n)
			names2 = append(names2, n.Name)
			if _, ok := seenRepo[n.Name]; ok {
				dup++
			}
		}
		whole := string(compactJSON(data))
		if (dup > 0 && dup == len(names2)) || seenInput[whole] {
			continue
		}
		if dup > 0 {
			return nil, 0, false, fmt.Errorf("merge: %s shares some repositories with an earlier report: not shards of one scan", names[i])
		}
		seenInput[whole] = true
		for _, f := range r.Findings {
			var k findingKey
			if err := json.Unmarshal(f, &k); err != nil {
				return nil, 0, false, fmt.Errorf("merge: %s: a finding: %w", names[i], err)
			}
			id := string(compactJSON(f))
			if seenFinding[id] {
				continue
			}
			seenFinding[id] = true
			all = append(all, keyed{k, f})
		}
		for _, rp := range r.Repositories {
			var n struct {
				Name string `json:"name"`
			}
			json.Unmarshal(rp, &n)
			if _, dup := seenRepo[n.Name]; !dup {
				seenRepo[n.Name] = rp
			}
		}
		s := r.Stats
		m.Stats.Files += s.Files
		m.Stats.Bytes += s.Bytes
		m.Stats.Commits += s.Commits
		m.Stats.DurationMS += s.DurationMS
		addCounts(&m.Stats.Skipped, s.Skipped)
		addCounts(&m.Stats.Suppressed, s.Suppressed)
		addCounts(&m.Stats.Noted, s.Noted)
		for _, w := range s.Warnings {
			if id := string(compactJSON(w)); !seenWarning[id] {
				seenWarning[id] = true
				m.Stats.Warnings = append(m.Stats.Warnings, w)
			}
		}
		m.Stats.Incomplete = m.Stats.Incomplete || s.Incomplete
		m.Stats.Interrupted = m.Stats.Interrupted || s.Interrupted
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].key.less(all[j].key) })
	m.Findings = make([]json.RawMessage, 0, len(all))
	for _, k := range all {
		m.Findings = append(m.Findings, k.raw)
	}
	var repoNames []string
	for n := range seenRepo {
		repoNames = append(repoNames, n)
	}
	sort.Strings(repoNames)
	for _, n := range repoNames {
		m.Repositories = append(m.Repositories, seenRepo[n])
	}
	if m.Stats.Skipped == nil {
		m.Stats.Skipped = map[string]int64{}
	}
	if m.Stats.Noted == nil {
		m.Stats.Noted = map[string]int64{}
	}
	if m.Stats.Warnings == nil {
		m.Stats.Warnings = []json.RawMessage{}
	}
	out, err := encodeIndented(m)
	return out, len(m.Findings), m.Stats.Incomplete || m.Stats.Interrupted, err
}

func compactJSON(b []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return b
	}
	return buf.Bytes()
}

func encodeIndented(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// mergeSARIF joins SARIF reports; what the merged file had to leave out to
// fit code scanning's limits is said on standard error.
func mergeSARIF(names []string, inputs [][]byte, stderr io.Writer) ([]byte, int, bool, error) {
	return report.MergeSARIF(names, inputs, func(s string) { fmt.Fprintln(stderr, "scan: warning: "+s) })
}
