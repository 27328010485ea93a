// Command scan finds leaked credentials — crypto-exchange API keys, wallet
// secrets, cloud and SaaS tokens — in directories and git history, and says
// how dangerous each one is and what to do about it.
//
// Exit codes: 0 nothing found, 1 findings, 2 error (including a scan that
// could not read everything it was asked to read and found nothing), 130
// interrupted.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// exitCode carries a non-error exit status (1: findings) through cobra.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// newRootCmd builds the root command with every subcommand.
func newRootCmd() *cobra.Command { return newRootFor(nil) }

// newRootFor builds the root command for the command line args: when its
// first word names a subcommand, with that one alone. Building every
// command's flags, help and defaults costs a process about a millisecond
// and a few hundred kilobytes of fresh memory, which a commit hook, run on
// every commit, pays before it can start its work.
func newRootFor(args []string) *cobra.Command {
	root := &cobra.Command{
		Use:   "scan",
		Short: "Find leaked exchange keys, wallet secrets and cloud credentials",
		Long: `scan finds leaked credentials in files and git history: crypto-exchange API
keys (Binance, Bybit, OKX, Kraken, Coinbase, ...), wallet secrets (seed phrases,
private keys) and the usual cloud and SaaS tokens. Every finding says how
dangerous it is and what to do. Secrets are redacted unless --show-secrets.

Exit codes: 0 nothing found, 1 findings, 2 error or an incomplete scan that
found nothing, 130 interrupted.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	all := append([]namedCommand{{"dir", newDirCmd}, {"rules", newRulesCmd}, {"version", newVersionCmd}}, extraCommands()...)
	for _, c := range all {
		if len(args) > 0 && args[0] == c.name {
			root.AddCommand(c.build())
			return root
		}
	}
	for _, c := range all {
		root.AddCommand(c.build())
	}
	return root
}

// namedCommand is a subcommand's name and how to build it.
type namedCommand struct {
	name  string
	build func() *cobra.Command
}

func main() { os.Exit(runProcess()) }

// runProcess runs this process's command line with its standard streams
// and signal handling, and returns the exit code.
func runProcess() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first Ctrl-C stops the scan and prints what was found; a
		// second one, with the default handler back, ends the process.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	return code
}

// run executes one command line and returns its exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootFor(args)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	var code exitCode
	switch {
	case err == nil:
		return 0
	case errors.As(err, &code):
		return int(code)
	default:
		fmt.Fprintf(stderr, "scan: error: %v\n", err)
		return 2
	}
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintf(cmd.OutOrStdout(), "scan %s\n", version)
		},
	}
}
