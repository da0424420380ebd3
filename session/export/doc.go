// Package export turns a recorded session — its events and their fold —
// into documents: Markdown minutes and a self-contained HTML page for
// people, the action items as CSV for trackers, and a versioned JSON
// record (events and final state) for machines, which ReadRecord reads
// back and checks. Write picks one by name (see Formats). A team's
// decision log is a document of its own (WriteDecisions), whose JSON
// carries the team log for ReadTeamLog.
//
// The boundary: export reads what package session defines and imports no
// other huddle package. It knows nothing about stores, terminals or flags;
// callers load the events, fold them with [session.Fold] and hand them
// over. Each export is an encoder over an [io.Writer]: it writes as it
// goes, stops at the writer's first error and returns that error, so a
// caller that needs all or nothing (a file) writes to a temporary place
// first.
//
// What the minutes say is computed once, by [session.Summarize]; the
// Markdown (markdown.go, retro.go) and the HTML (html.go, html_standup.go,
// html_retro.go, html_chart.go) only format its rows, in the words of
// words.go, which both formats share.
//
// Exports never change what they are given and are deterministic: the same
// session gives byte-identical output. The only outside input is the local
// time zone, which the minutes use for the dates and times people read.
package export
