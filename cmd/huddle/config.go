package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"huddle/session"
)

// envPrefix is the prefix of the environment variables that set flags:
// --data-dir is HUDDLE_DATA_DIR, --timebox is HUDDLE_TIMEBOX.
const envPrefix = "HUDDLE_"

// envName is the environment variable for a flag.
func envName(flag string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// applyEnv sets every flag of cmd that was not given on the command line
// from its HUDDLE_* environment variable, if set. Flags win over the
// environment, the environment over defaults.
func applyEnv(cmd *cobra.Command) error {
	var errs []error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed || f.Name == "help" || f.Name == "version" {
			return
		}
		v, ok := os.LookupEnv(envName(f.Name))
		if !ok {
			return
		}
		if err := cmd.Flags().Set(f.Name, v); err != nil {
			errs = append(errs, fmt.Errorf("%w: %s=%q: %s", session.ErrInvalid, envName(f.Name), v, want(f, err)))
			return
		}
		if f.Annotations == nil {
			f.Annotations = map[string][]string{}
		}
		f.Annotations[fromEnv] = []string{envName(f.Name)}
	})
	return errors.Join(errs...)
}

// fromEnv is the annotation applyEnv leaves on a flag it set from the
// environment: the variable's name.
const fromEnv = "huddle-env"

// flagName is how an error names the flag: --turn, or HUDDLE_TURN when the
// value came from the environment.
func flagName(fs *pflag.FlagSet, name string) string {
	if f := fs.Lookup(name); f != nil && len(f.Annotations[fromEnv]) > 0 && f.Annotations[fromEnv][0] != "" {
		return f.Annotations[fromEnv][0]
	}
	return "--" + name
}

// want says what a flag of f's type takes, for a value that did not parse.
func want(f *pflag.Flag, err error) string {
	switch f.Value.Type() {
	case "duration":
		return "not a duration; want one like 90s, 2m or 1h30m"
	case "int":
		return "not a whole number"
	case "bool":
		return "want true or false"
	}
	return err.Error()
}

// defaultDataDir is $XDG_DATA_HOME/huddle, else ~/.local/share/huddle.
func defaultDataDir() string {
	if x := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "huddle")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "huddle")
	}
	return filepath.Join(".", ".huddle")
}

// dbFile is the embedded database in the data directory.
func dbFile(dataDir string) (string, error) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return "", fmt.Errorf("data directory %q: %w", dataDir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return "", fmt.Errorf("create data directory: %w", err)
	}
	return filepath.Join(abs, "huddle.db"), nil
}
