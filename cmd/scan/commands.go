package main

// extraCommands lists the subcommands that live in their own files (git
// history, staged changes, hooks), so each can be added without touching
// the root command.
func extraCommands() []namedCommand {
	return []namedCommand{
		{"git", newGitCmd}, {"staged", newStagedCmd}, {"pre-push", newPrePushCmd}, {"install-hook", newInstallHookCmd},
		{"home", newHomeCmd}, {"baseline", newBaselineCmd}, {"config", newConfigCmd}, {"repos", newReposCmd},
		{"merge", newMergeCmd}, {"action-args", newActionArgsCmd},
	}
}
