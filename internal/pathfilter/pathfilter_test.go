package pathfilter

import "testing"

func TestGlobsAndIgnore(t *testing.T) {
	keep, err := Globs([]string{"**/*.env", "config/**"}, []string{"*.example.env"})
	if err != nil {
		t.Fatal(err)
	}
	ign := ParseIgnore([]byte("# fixtures\ntestdata/\n*.golden\n"))
	k := keep.And(ign)
	for p, want := range map[string]bool{
		"prod.env":             true,
		"deep/dir/prod.env":    true,
		"config/app.yml":       true,
		"main.go":              false, // not included
		"x/app.example.env":    false, // excluded by base name
		"testdata/prod.env":    false, // ignored directory
		"config/report.golden": false, // ignored pattern
	} {
		if got := k.Allows(p); got != want {
			t.Errorf("%s: keep = %v, want %v", p, got, want)
		}
	}
	if _, err := Globs([]string{"[bad"}, nil); err == nil {
		t.Error("an invalid glob was accepted")
	}
	var none Keep
	if !none.Allows("anything") || !none.And(nil).Allows("x") {
		t.Error("a nil Keep must keep everything")
	}
}
