package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"huddle/internal/pgtest"
	"huddle/session"
	"huddle/session/storetest"
)

func parked(seq int64) session.Event {
	return storetest.Ev(seq, t0.Add(time.Duration(seq)*time.Millisecond), bob.ID,
		&session.Parked{Item: int(seq), Topic: "integration tests in CI", RaisedBy: bob, Phase: session.Rounds})
}

// BenchmarkAppend appends one event at a time to one session: a
// session's appends are serial (each follows the head), so this is the
// most one session can take.
func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	st := mustOpen(b)
	storetest.MustCreate(b, st, "s1", "ABC123", "musicstore", session.Standup, t0)
	b.ReportAllocs()
	seq := int64(1)
	for b.Loop() {
		seq++
		if err := st.Append(ctx, "s1", parked(seq)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppend100Sessions appends to 100 sessions at once, one writer
// each, through one Store (one node) with the pool's connections capped
// as pool_max_conns says. An op is one append; appends/s is the total.
func BenchmarkAppend100Sessions(b *testing.B) {
	for _, conns := range []int{4, 32} {
		b.Run(fmt.Sprintf("conns=%d", conns), func(b *testing.B) {
			ctx := context.Background()
			st := openURL(b, pgtest.Database(b)+fmt.Sprintf("&pool_max_conns=%d", conns))
			const sessions = 100
			for i := range sessions {
				storetest.MustCreate(b, st, fmt.Sprintf("s%d", i), fmt.Sprintf("CODE%03d", i), "musicstore", session.Standup, t0)
			}
			var (
				next  atomic.Int64
				wg    sync.WaitGroup
				errMu sync.Mutex
				first error
			)
			n := int64(b.N)
			b.ResetTimer()
			start := time.Now()
			for i := range sessions {
				wg.Go(func() {
					id, seq := fmt.Sprintf("s%d", i), int64(1)
					for next.Add(1) <= n {
						seq++
						if err := st.Append(ctx, id, parked(seq)); err != nil {
							errMu.Lock()
							first = err
							errMu.Unlock()
							return
						}
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			if first != nil {
				b.Fatal(first)
			}
			b.ReportMetric(float64(n)/elapsed.Seconds(), "appends/s")
		})
	}
}
