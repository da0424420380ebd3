// Package session is huddle's domain: teams, sessions, participants, the
// commands people give and the events those commands become.
//
// The boundary: session knows nothing about terminals, SSH or SQL. It imports
// none of huddle's other packages. Everything it needs from the outside world
// comes in through small interfaces: a Store for durability and a Clock for
// time.
//
// The state of a session is the fold of its events ([Fold], [State.Apply]);
// nothing else is stored as truth. A command is checked against the state and
// the actor's role by [Decide], which returns the events to record or a
// documented error (see [ErrForbidden] and its siblings) and never changes
// anything itself.
//
// A [Room] owns one live session: it serialises commands, makes each event
// durable in the Store before any subscriber can see it, records time-box
// expiry from its Clock, and publishes immutable [Snapshot] values to
// subscribers through one-slot mailboxes, so a slow subscriber skips to the
// newest state and never holds up the room.
//
// A [Hub] keeps the live rooms of a server; a [Player] replays a recorded
// session read-only, through the same interface a Room offers a view.
//
// What the minutes of a session say is computed once, by [Summarize]: the
// exports, the closing screens and the history only format its rows.
//
// [Teams] applies the team rules to the teams of a Store (who changes a
// team, who opens its sessions, which keys speak for its names) for the
// CLI and the SSH server alike. An [Opening] is the one spec of a new
// session: the CLI's flags, the SSH new command and the lobby's form fill
// it over [DefaultOpening] (the kind's defaults and what the team
// remembers of its last session, [Defaults]), and [Opening.Validate] checks
// it with errors that name the field ([FieldError]). Who a join code still
// lets in after a session ended is [State.EnterByCode].
//
// A team's roster, owners and keys are stored as they are now (a [Team],
// changed through [Teams.Change]); what happens to a team outside its
// sessions (decisions between meetings, prepared updates, absences) is its
// team log, a list of [TeamEvent] that, like a session's events, is the
// only truth of what it records.
//
// All user text passes [CleanText] before it becomes part of an event.
package session
