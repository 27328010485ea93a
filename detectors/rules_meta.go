package detectors

// IgnoreFileChangedRuleID is the rule a range scan reports a change to the
// repository's .keywardignore under.
const IgnoreFileChangedRuleID = "keyward-ignore-changed"

// IgnoreFileChangedRule describes the finding a range scan (a pull request,
// a push) makes when the commits under review change the ignore file. The
// scan itself uses the ignore file of the range's base, so the change
// silences nothing; it is reported, at info, so that a reviewer sees it.
// Like wallet.dat it matches no text: the git source reports it.
func IgnoreFileChangedRule() Rule {
	return Rule{
		ID:        IgnoreFileChangedRuleID,
		WholeFile: true,
		Title:     "The ignore file (.keywardignore) changed in the range under review",
		Severity:  Info,
		Service:   "keyward",
		Name:      "Keyward scan",
		Kind:      KindGeneric,
		Advice: "The scan used the ignore file of the range's base, so this change silenced nothing here; " +
			"review it as you would a change to a security setting before it applies to later scans.",
	}
}

// metaRules is this file's group for Default.
func metaRules() []Rule { return []Rule{IgnoreFileChangedRule()} }

// IgnoreFileChanged is the finding for a change to the ignore file at path,
// identified by id (the commit, or the staged blob, that changes it).
func IgnoreFileChanged(path, id string) Finding {
	r := IgnoreFileChangedRule()
	return Finding{
		RuleID:   r.ID,
		Title:    r.Title,
		Severity: r.Severity,
		Service:  r.Service,
		Location: Location{Path: path, StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 2},
		Secret:   path + "@" + id,
		Advice:   r.Advice,
	}
}
