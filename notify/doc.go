// Package notify carries a session's opening and its outcome to where the
// team already talks, and hands its record to a command.
//
// A Notifier posts to incoming webhooks (Slack, Mattermost, Microsoft
// Teams: an HTTP POST of {"text": "…"} with Markdown in text) when a
// session opens and when it ends, and runs an --on-end command with the
// session's JSON record on stdin when it ends. Nothing it does makes a room
// wait: Opened and Ended only put the event in a bounded queue, and one
// goroutine per webhook (one more for the command) delivers, with a
// timeout on each try and retries with backoff where another try can help
// (a network error, a 5xx or 429 answer; never another 4xx): a webhook
// that hangs or is down holds up only itself. One whose own queue is full
// leaves what it was handed pending in the store, for the next start.
//
// With Config.DueAt (huddle serve --notify-at, 08:00 by default) the
// webhooks also get, each morning, a message per team of its open action
// items due that day and those overdue (DueText), through the same queue;
// none for a team with nothing due. A team's message of a day is
// remembered by the team's latest session opened before that hour, so it
// is posted once per team and day, also across a restart; a server started
// after the hour posts that day's at once, unless it was posted.
//
// Deliveries are remembered in the store (session.DeliveryStore) by
// session, event and target: an event is sent to a target at most once,
// also after a restart, and one still pending when huddle stops is sent
// when it starts again with the same target. (A stop in the instant between
// a webhook's answer and its recording can still send it twice: the
// webhook cannot be asked.)
//
// What it sends is computed from the session's state by session.Summarize,
// as the minutes are, with what people typed escaped as the minutes escape
// it. An anonymous retrospective's notification names nobody but the
// owners of its action items: it counts attendance instead of listing it,
// and leaves out who was absent from a decision.
//
// The package sits beside session/export: cmd/huddle wires it, sshserver
// and the rooms only call the hooks it gives them.
package notify
