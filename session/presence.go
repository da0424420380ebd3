package session

// The presence rules of a session someone reaches through connections
// (over SSH a key may hold several; the glue counts them and asks these
// rules when a key's first arrives or its last goes).

// Departure is what the last connection of a key submits when it leaves
// a session, and as whom: the key's knock withdrawn while it waits at the
// door, else the participant's leave. me is who the connection entered
// as; a key let in as a roster member since is that member. ok is false
// when there is nothing to submit: the session has ended, or the
// participant is unknown or away already.
func Departure(st *State, key string, me ParticipantID) (actor ParticipantID, c Command, ok bool) {
	if st.Phase == Closed {
		return "", nil, false
	}
	if _, waiting := st.Knocker(key); waiting {
		return SSHID(key), Withdraw{Key: key}, true
	}
	if pt, found := st.ByKey(key); found {
		me = pt.ID
	}
	if pt, found := st.Participant(me); !found || !pt.Present {
		return "", nil, false
	}
	return me, Leave{Who: me}, true
}

// Stale lists who a session still shows as present through a key when no
// connection to it can be open: when a server process first sees a room
// (after a restart), nobody is connected to it yet. Each should leave. An
// ended session's record stays as it is; people at the shared keyboard
// (no key) are not a server's to mark away.
func Stale(st *State) []ParticipantID {
	if st.Phase == Closed {
		return nil
	}
	var out []ParticipantID
	for _, pt := range st.Participants {
		if pt.Present && pt.Key != "" {
			out = append(out, pt.ID)
		}
	}
	return out
}

// Stale is Stale for the hub's rooms: with a shared store nobody is
// stale when this node first sees a room, as other nodes hold
// connections to it; the participants of a node that died are marked
// away through the nodes' heartbeats instead (see Hub.Hold).
func (h *Hub) Stale(st *State) []ParticipantID {
	if h.Shared() {
		return nil
	}
	return Stale(st)
}
