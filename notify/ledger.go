package notify

import (
	"context"
	"sync"
	"time"

	"huddle/session"
)

// ledger remembers deliveries: in the store, or in memory for a store
// that cannot.
type ledger interface {
	queue(ctx context.Context, d session.Delivery) (bool, error)
	finish(ctx context.Context, id, event, target, outcome string, at time.Time) error
	pending(ctx context.Context, since time.Time) ([]session.Delivery, error)
}

type storeLedger struct{ ds session.DeliveryStore }

func (l storeLedger) queue(ctx context.Context, d session.Delivery) (bool, error) {
	return l.ds.QueueDelivery(ctx, d)
}

func (l storeLedger) finish(ctx context.Context, id, event, target, outcome string, at time.Time) error {
	return l.ds.FinishDelivery(ctx, id, event, target, outcome, at)
}

func (l storeLedger) pending(ctx context.Context, since time.Time) ([]session.Delivery, error) {
	return l.ds.PendingDeliveries(ctx, since)
}

// memLedger remembers deliveries until the process ends.
type memLedger struct {
	mu   sync.Mutex
	seen map[[3]string]bool
}

func (l *memLedger) queue(_ context.Context, d session.Delivery) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := [3]string{d.Session, d.Event, d.Target}
	if l.seen[k] {
		return false, nil
	}
	l.seen[k] = true
	return true, nil
}

func (*memLedger) finish(context.Context, string, string, string, string, time.Time) error {
	return nil
}

func (*memLedger) pending(context.Context, time.Time) ([]session.Delivery, error) { return nil, nil }
