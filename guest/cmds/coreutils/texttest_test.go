package coreutils

import (
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

// textCase is one run of a text command: its arguments, input, and
// what it should print and exit with.
type textCase struct {
	args   []string
	in     string
	want   string
	status int
}

func runTextCases(t *testing.T, name string, cases []textCase) {
	t.Helper()
	for _, tt := range cases {
		out, errOut, st := cmdtest.Run(t, t.TempDir(), tt.in, name, tt.args...)
		if out != tt.want || st != tt.status {
			t.Errorf("%s %q <<< %q = %q (status %d, stderr %q), want %q (status %d)",
				name, tt.args, tt.in, out, st, errOut, tt.want, tt.status)
		}
	}
}
