package session

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// Anonymous contributions — cards and dots of an anonymous retrospective,
// ESVP answers, ROTI scores and thumbs — are stored under a token that
// differs per contribution: a keyed hash of the contribution's kind and
// number under the contributor's key, which is itself a keyed hash of
// their identity under the session's secret (Env.hash). While the secret
// exists, the room can tell whose a token is, so that authors edit their
// cards and budgets count; the key is never stored. Once the secret is
// gone, no token ties to a person, and no two tokens tie to each other.
//
// The number n of a contribution is the sequence number of the event that
// records it (State.Seq+1 when it is decided), so no two contributions of
// a session share one. A later answer that replaces an earlier one names
// the earlier one by its number, never by its token.

// Kinds of anonymous contributions, as their tokens are made.
const (
	tokCard    = "card"
	tokDot     = "dot"
	tokCheckIn = "check-in"
	tokRoti    = "roti"
	tokThumb   = "thumb"
)

// token is the stand-in of contribution n of a kind by whoever has key.
func token(key, kind string, n int64) string {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(kind))
	mac.Write([]byte{0})
	mac.Write(strconv.AppendInt(nil, n, 10))
	return hex.EncodeToString(mac.Sum(nil)[:12])
}

// owns reports whether tok is the token of contribution n of a kind by
// whoever has key. A record made before tokens differed per contribution
// (n is 0) held the key itself.
func owns(key, kind string, n int64, tok string) bool {
	if key == "" || tok == "" {
		return false
	}
	if n == 0 {
		return hmac.Equal([]byte(tok), []byte(key))
	}
	return hmac.Equal([]byte(tok), []byte(token(key, kind, n)))
}

// thumbKey is the key of an anonymous thumb in State.Thumbs: its number
// and its token, so that a changed thumb can name the one it replaces.
func thumbKey(key string, n int64) string {
	return strconv.FormatInt(n, 10) + ":" + token(key, tokThumb, n)
}

// ownsThumb reports whether the key of State.Thumbs is an anonymous thumb
// of whoever has key, and its number.
func ownsThumb(key, k string) (int64, bool) {
	ns, tok, ok := strings.Cut(k, ":")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(ns, 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, owns(key, tokThumb, n, tok)
}

// contribution is the number the next contribution decided on s gets.
func contribution(s *State) int64 { return s.Seq + 1 }

// recordedActors are the actors a commit's events are stored with (see
// RecordedActor). What an anonymous act brings about in the same commit —
// another round, the next topic, the next phase — is the room's doing, so
// it is recorded as System: a name next to it would tie the anonymous
// event to that person.
func recordedActors(s *State, actor ParticipantID, payloads []Payload) []ParticipantID {
	out := make([]ParticipantID, len(payloads))
	anonymous := false
	for i, p := range payloads {
		out[i] = RecordedActor(s, actor, p)
		anonymous = anonymous || out[i] == Anonymous
	}
	if anonymous {
		for i := range out {
			if out[i] != Anonymous {
				out[i] = System
			}
		}
	}
	return out
}
