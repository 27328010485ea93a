package gitrepo

import (
	"context"
	"os"
	"os/exec"
	"strings"
)

// HardenedCommand prepares a git command on gitDir that cannot be made to
// run anything from the repository: fsmonitor and hooks are overridden on
// the command line, system and global config are not read, replace refs are
// ignored, no lazy fetch or prompt can reach the network, and no GIT_*
// variable from the environment can point it elsewhere. indexFile, if set,
// is passed as GIT_INDEX_FILE (the one variable a hook must forward). With
// no gitDir, git discovers the repository from cmd.Dir, which the caller
// sets.
func HardenedCommand(ctx context.Context, gitDir, indexFile string, args ...string) (*exec.Cmd, error) {
	git, err := exec.LookPath("git")
	if err != nil {
		return nil, err
	}
	full := []string{
		"-c", "core.fsmonitor=false",
		"-c", "core.hooksPath=/dev/null",
		"-c", "core.untrackedCache=false",
		"--no-replace-objects",
	}
	if gitDir != "" {
		full = append(full, "--git-dir", gitDir)
	}
	full = append(full, args...)
	cmd := exec.CommandContext(ctx, git, full...)
	cmd.Env = hardenedEnv()
	if indexFile != "" {
		cmd.Env = append(cmd.Env, "GIT_INDEX_FILE="+indexFile)
	}
	if gitDir != "" {
		cmd.Dir = gitDir
	}
	return cmd, nil
}

// hardenedEnv is the environment without the variables that redirect git
// to other repositories, config files or helpers.
func hardenedEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GIT_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_NO_REPLACE_OBJECTS=1",
		"GIT_TERMINAL_PROMPT=0",
		"GIT_OPTIONAL_LOCKS=0",
		"GIT_NO_LAZY_FETCH=1",
	)
}
