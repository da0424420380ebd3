package tui

import "testing"

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n         int
		one, many string
		want      string
	}{
		{0, "topic", "", "0 topics"},
		{1, "topic", "", "1 topic"},
		{2, "topic", "", "2 topics"},
		{1, "topic carries", "topics carry", "1 topic carries"},
		{3, "topic carries", "topics carry", "3 topics carry"},
	} {
		if got := count(tc.n, tc.one, tc.many); got != tc.want {
			t.Errorf("count(%d, %q, %q) = %q, want %q", tc.n, tc.one, tc.many, got, tc.want)
		}
	}
}
