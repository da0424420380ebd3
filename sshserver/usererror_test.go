package sshserver

import (
	"fmt"
	"testing"

	"huddle/session"
)

// A refusal over SSH is its sentence, without the kind of error before it,
// a reached limit too.
func TestUserErrorIsTheSentence(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("%w: at most 100 entries a day", session.ErrLimit), "at most 100 entries a day"},
		{fmt.Errorf("%w: only the facilitator can", session.ErrForbidden), "only the facilitator can"},
		{fmt.Errorf("disk on fire"), "disk on fire"},
	} {
		if got := userError(tc.err); got != tc.want {
			t.Errorf("userError(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
