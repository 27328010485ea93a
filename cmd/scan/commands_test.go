package main

import (
	"bytes"
	"context"
	"slices"
	"testing"
)

// A command line that names a subcommand builds only that one; what it
// prints (help, errors) must be what the whole tree prints, and no
// subcommand may be missing from the table that builds them one by one.
func TestCommandsBuiltOneAtATime(t *testing.T) {
	full := newRootCmd()
	var names []string
	for _, c := range full.Commands() {
		names = append(names, c.Name())
	}
	var table []string
	for _, c := range append([]namedCommand{{"dir", newDirCmd}, {"rules", newRulesCmd}, {"version", newVersionCmd}}, extraCommands()...) {
		if got := c.build().Name(); got != c.name {
			t.Errorf("the entry %q builds the command %q", c.name, got)
		}
		table = append(table, c.name)
	}
	slices.Sort(table)
	if !slices.Equal(names, table) {
		t.Fatalf("the whole tree has %v, the table %v", names, table)
	}
	for _, name := range table {
		for _, args := range [][]string{{name, "--help"}, {name, "--no-such-flag"}} {
			var alone, whole bytes.Buffer
			codeAlone := run(context.Background(), args, &alone, &alone)
			root := newRootCmd()
			root.SetArgs(args)
			root.SetOut(&whole)
			root.SetErr(&whole)
			err := root.ExecuteContext(context.Background())
			if alone.String() != whole.String() && !(err != nil && alone.String() == "scan: error: "+err.Error()+"\n") {
				t.Errorf("%v: built alone it prints\n%s\nwith every command\n%s%v", args, alone.String(), whole.String(), err)
			}
			if (codeAlone == 0) != (err == nil) {
				t.Errorf("%v: exit %d alone, error %v with every command", args, codeAlone, err)
			}
		}
	}
}
