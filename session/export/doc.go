// Package export turns a recorded session — its events and their fold —
// into documents: Markdown minutes for people and a versioned JSON record
// for machines.
//
// The boundary: export reads what package session defines and imports no
// other huddle package. It knows nothing about stores, terminals or flags;
// callers load the events, fold them with [session.Fold] and hand them
// over. Each export is an encoder over an [io.Writer]: it writes as it
// goes, stops at the writer's first error and returns that error, so a
// caller that needs all or nothing (a file) writes to a temporary place
// first.
//
// Exports never change what they are given and are deterministic: the same
// session gives byte-identical output. The only outside input is the local
// time zone, which Markdown uses for the dates and times people read.
package export
