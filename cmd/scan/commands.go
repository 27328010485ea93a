package main

import "github.com/spf13/cobra"

// extraCommands lists the subcommands that live in their own files (git
// history, staged changes, hooks), so each can be added without touching
// the root command.
func extraCommands() []*cobra.Command {
	return []*cobra.Command{newGitCmd(), newStagedCmd(), newPrePushCmd(), newInstallHookCmd(), newHomeCmd(), newBaselineCmd(), newConfigCmd(), newReposCmd(), newMergeCmd(), newActionArgsCmd()}
}
