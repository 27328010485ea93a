package main

import (
	"io"
	"strings"
	"testing"
)

func TestMergeReportsRules(t *testing.T) {
	t.Parallel()
	shard := func(repo string, incomplete bool) []byte {
		inc := "false"
		if incomplete {
			inc = "true"
		}
		return []byte(`{"schema_version":"3","tool":{"name":"keyward-scan","version":"1"},"command":"repos",
"findings":[],"stats":{"files":1,"bytes":2,"commits":1,"duration_ms":5,"skipped":{},"warnings":[],"noted":{},"incomplete":` + inc + `,"interrupted":false},
"repositories":[{"name":"` + repo + `","url":"file:///x/` + repo + `"}]}`)
	}
	sarif := []byte(`{"$schema":"x","version":"2.1.0","runs":[{"properties":{"repository":"a","incomplete":false},"results":[]}]}`)

	_, n, inc, err := mergeReports([]string{"1", "2"}, [][]byte{shard("a", false), shard("b", true)}, io.Discard)
	if err != nil || n != 0 || !inc {
		t.Errorf("an incomplete shard: n=%d incomplete=%v err=%v", n, inc, err)
	}
	_, _, inc, err = mergeReports([]string{"1", "2"}, [][]byte{shard("a", false), shard("b", false)}, io.Discard)
	if err != nil || inc {
		t.Errorf("complete shards: incomplete=%v err=%v", inc, err)
	}
	both := []byte(strings.Replace(string(shard("a", false)), `"repositories":[`, `"repositories":[{"name":"c","url":"file:///c"},`, 1))
	if _, _, _, err := mergeReports([]string{"1", "2"}, [][]byte{shard("a", false), both}, io.Discard); err == nil || !strings.Contains(err.Error(), "not shards of one scan") {
		t.Errorf("overlapping reports: %v", err)
	}
	if _, _, _, err := mergeReports([]string{"1", "2"}, [][]byte{shard("a", false), sarif}, io.Discard); err == nil || !strings.Contains(err.Error(), "one format") {
		t.Errorf("mixed formats: %v", err)
	}
	if _, _, _, err := mergeReports([]string{"x"}, [][]byte{[]byte("not json")}, io.Discard); err == nil || !strings.Contains(err.Error(), "x:") {
		t.Errorf("garbage: %v", err)
	}
}
