package session

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestTeamChangesAreForOwners(t *testing.T) {
	web := Team{Name: "web", Members: []string{"Anna", "Ben"}, Keys: map[string]string{"Anna": "k-anna"}, Owners: []string{"k-owner"}}
	for _, tc := range []struct {
		name   string
		caller Caller
		change TeamChange
		err    error
		check  func(t *testing.T, got Team)
	}{
		{"a guest key cannot replace the roster", KeyCaller("k-mallory"), SetRoster{Names: []string{"Mallory", "Eve"}}, ErrForbidden, nil},
		{"a member key cannot replace the roster", KeyCaller("k-anna"), SetRoster{Names: []string{"Anna"}}, ErrForbidden, nil},
		{"a member key cannot add an owner", KeyCaller("k-anna"), AddOwner{Key: "k-anna"}, ErrForbidden, nil},
		{"a member key cannot change the agreements", KeyCaller("k-anna"), SetAgreements{Texts: []string{"x"}}, ErrForbidden, nil},
		{"an anonymous login owns nothing", KeyCaller(AnonymousKey + "x"), AddMember{Name: "Eve"}, ErrForbidden, nil},
		{"an owner adds a member", KeyCaller("k-owner"), AddMember{Name: "Cem"}, nil, func(t *testing.T, got Team) {
			if !slices.Equal(got.Members, []string{"Anna", "Ben", "Cem"}) {
				t.Fatalf("members %v", got.Members)
			}
		}},
		{"an owner removes a member and frees their key", KeyCaller("k-owner"), RemoveMember{Name: "anna"}, nil, func(t *testing.T, got Team) {
			if got.BoundTo("Anna") != "" || got.HasKey("k-anna") || slices.Contains(got.Members, "Anna") {
				t.Fatalf("after removing Anna: %+v", got)
			}
		}},
		{"a rename keeps the key", KeyCaller("k-owner"), RenameMember{From: "Anna", To: "Annabel"}, nil, func(t *testing.T, got Team) {
			if got.BoundTo("Annabel") != "k-anna" || got.BoundTo("Anna") != "" {
				t.Fatalf("after the rename: %+v", got.Keys)
			}
		}},
		{"a new roster keeps the keys of names that stay", KeyCaller("k-owner"), SetRoster{Names: []string{"Ben", "Anna", "Dee"}}, nil, func(t *testing.T, got Team) {
			if got.BoundTo("Anna") != "k-anna" {
				t.Fatalf("keys %+v", got.Keys)
			}
		}},
		{"an owner adds an owner", KeyCaller("k-owner"), AddOwner{Key: "SHA256:new"}, nil, func(t *testing.T, got Team) {
			if !got.Owns(KeyCaller("SHA256:new")) {
				t.Fatal("the added key does not own the team")
			}
		}},
		{"the operator owns every team", LocalCaller(), AddMember{Name: "Eve"}, nil, nil},
		{"a member of 64 columns", LocalCaller(), AddMember{Name: "Maximiliane Wilhelmina Friederike Charlotte von Hohenzollern-Sig"}, nil, nil},
		{"a member's name of 65 columns is refused, not cut", LocalCaller(), AddMember{Name: strings.Repeat("x", 65)}, ErrInvalid, nil},
		{"a new name of 65 columns is refused", LocalCaller(), RenameMember{From: "Ben", To: strings.Repeat("x", 65)}, ErrInvalid, nil},
		{"a roster name of 65 columns is refused", LocalCaller(), SetRoster{Names: []string{"Ann", strings.Repeat("x", 65)}}, ErrInvalid, nil},
		{"the last owner stays", KeyCaller("k-owner"), RemoveOwner{Key: "k-owner"}, ErrConflict, nil},
		{"adding a member twice", KeyCaller("k-owner"), AddMember{Name: "BEN"}, ErrConflict, nil},
		{"a member bound to a key that is someone else's", KeyCaller("k-owner"), AddMember{Name: "Eve", Key: "k-anna"}, ErrConflict, nil},
		{"renaming someone who is not there", KeyCaller("k-owner"), RenameMember{From: "Zed", To: "Zoe"}, ErrNotFound, nil},
		{"an owner is a fingerprint", KeyCaller("k-owner"), AddOwner{Key: "two words"}, ErrInvalid, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := web.Change(tc.caller, tc.change)
			if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if err != nil && !slices.Equal(got.Members, web.Members) {
				t.Fatalf("a refused change changed the roster: %v", got.Members)
			}
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
	if web.BoundTo("Anna") != "k-anna" || len(web.Members) != 2 {
		t.Fatalf("a change changed the team it was made from: %+v", web)
	}
}

func TestWhoOpensAndSeesATeam(t *testing.T) {
	web := Team{Name: "web", Members: []string{"Anna"}, Keys: map[string]string{"Anna": "k-anna", "Gone": "k-gone"}, Owners: []string{"k-owner"}}
	legacy := Team{Name: "old", Keys: map[string]string{legacyOpener: "k-opener"}}
	for _, tc := range []struct {
		team Team
		key  string
		want bool
	}{
		{web, "k-owner", true},
		{web, "k-anna", true},
		{web, "k-gone", false}, // bound to a name no longer on the roster
		{web, "k-guest", false},
		{web, "", false},
		{legacy, "k-opener", true}, // created the team before owners were kept
	} {
		if got := tc.team.HasKey(tc.key); got != tc.want {
			t.Errorf("%s.HasKey(%q) = %v", tc.team.Name, tc.key, got)
		}
		if err := tc.team.CanOpen(KeyCaller(tc.key)); (err == nil) != tc.want || (err != nil && !errors.Is(err, ErrForbidden)) {
			t.Errorf("%s.CanOpen(%q) = %v", tc.team.Name, tc.key, err)
		}
	}
	if err := web.CanOpen(LocalCaller()); err != nil {
		t.Errorf("the operator cannot open: %v", err)
	}
}
