package session

import (
	"context"
	"time"
)

// Delivery is one notification of one session's event to one target (a
// webhook, a command), as a DeliveryStore remembers it so that nothing is
// sent twice for the same event, also across a restart. Target names the
// target without revealing it (a hash of a webhook's URL: the URL is a
// secret). Body is what is sent, kept only while the delivery is pending.
type Delivery struct {
	Session string
	Event   string // "opened", "ended", or "due:" and a day (YYYY-MM-DD): a morning's items due of the session's team
	Target  string
	Body    string
	Queued  time.Time
}

// Outcomes of a delivery, as DeliveryStore.FinishDelivery records them.
const (
	DeliverySent    = "sent"    // the target took it
	DeliveryRefused = "refused" // the target refused it for good (a 4xx answer)
	DeliveryFailed  = "failed"  // every try failed
	DeliveryStale   = "stale"   // not sent: no longer news (an opening pending until the session was over)
)

// DeliveryStore remembers notifications. The SQLite store implements it;
// without it a notifier remembers nothing across a restart.
type DeliveryStore interface {
	// QueueDelivery records d as pending and reports true, or reports
	// false if a delivery of the same session, event and target was
	// recorded before (pending or finished) and records nothing.
	QueueDelivery(ctx context.Context, d Delivery) (bool, error)
	// FinishDelivery records the outcome of a delivery and forgets its
	// body.
	FinishDelivery(ctx context.Context, id, event, target, outcome string, at time.Time) error
	// PendingDeliveries lists the deliveries still pending that were
	// queued at or after since, oldest first.
	PendingDeliveries(ctx context.Context, since time.Time) ([]Delivery, error)
}
