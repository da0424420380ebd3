package main

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"
)

// percentile is the p-th percentile (0–100) of ds by the nearest-rank
// method; ds need not be sorted.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := int(p/100*float64(len(s))+0.999999) - 1
	return s[max(0, min(rank, len(s)-1))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func (r *report) print(w io.Writer, cfg config) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(w, "huddle-load: %d participants (%d×%d) over %d session(s), %d round(s) each, %d stalled, %d flooding; %s in all\n",
		cfg.n, cfg.width, cfg.height, cfg.r, cfg.rounds, cfg.stalled, cfg.flooders, r.elapsed.Round(time.Millisecond))
	if len(cfg.addrs) > 1 {
		fmt.Fprintf(w, "servers        %s, each session's members spread over them in turn\n", strings.Join(cfg.addrs, ", "))
	}
	if cfg.perSource >= cfg.n+cfg.stalled+cfg.flooders {
		fmt.Fprintln(w, "source         every participant from one address")
	}
	fmt.Fprintf(w, "connected      %d of %d in %s (%.1f/s); per connection p50 %s, p99 %s\n",
		r.connected, cfg.n+cfg.stalled+cfg.flooders, r.connectWall.Round(time.Millisecond),
		float64(len(r.connects))/max(r.connectWall.Seconds(), 1e-9), ms(percentile(r.connects, 50)), ms(percentile(r.connects, 99)))
	fmt.Fprintf(w, "fan-out        %d deliveries: p50 %s  p95 %s  p99 %s  max %s\n", len(r.deliveries),
		ms(percentile(r.deliveries, 50)), ms(percentile(r.deliveries, 95)), ms(percentile(r.deliveries, 99)), ms(maxOf(r.deliveries)))
	if len(cfg.addrs) > 1 {
		fmt.Fprintf(w, "cross-server   %d deliveries to members on another server than the sender's: p50 %s  p95 %s  p99 %s  max %s\n", len(r.cross),
			ms(percentile(r.cross, 50)), ms(percentile(r.cross, 95)), ms(percentile(r.cross, 99)), ms(maxOf(r.cross)))
	}
	fmt.Fprintf(w, "all saw it     %d rounds: p50 %s  p95 %s  p99 %s  max %s\n", len(r.rounds),
		ms(percentile(r.rounds, 50)), ms(percentile(r.rounds, 95)), ms(percentile(r.rounds, 99)), ms(maxOf(r.rounds)))
	if r.roundsWall > 0 {
		fmt.Fprintf(w, "cpu            during the rounds (%s): server %s (%.0f%% of a core), load generator %s (%.0f%%)\n",
			r.roundsWall.Round(time.Millisecond), r.serverCPU.Round(10*time.Millisecond), 100*r.serverCPU.Seconds()/r.roundsWall.Seconds(),
			r.loadCPU.Round(10*time.Millisecond), 100*r.loadCPU.Seconds()/r.roundsWall.Seconds())
	}
	if r.idleWall > 0 {
		fmt.Fprintf(w, "idle           %d participants in %d running session(s), nobody typing, for %s: server %s (%.1f%% of a core)\n",
			r.connected, cfg.r, r.idleWall.Round(time.Millisecond), r.idleCPU.Round(10*time.Millisecond), 100*r.idleCPU.Seconds()/r.idleWall.Seconds())
	}
	if r.rssBase > 0 {
		per := float64(r.rssJoined-r.rssBase) / float64(max(r.connected, 1))
		fmt.Fprintf(w, "server memory  RSS %s before joins, %s all joined, %s at the end (peak %s): %.0f KiB per connected participant\n",
			mib(r.rssBase), mib(r.rssJoined), mib(r.rssEnd), mib(r.hwm), per/1024)
	}
	for i, s := range r.stalled {
		if s.evicted {
			fmt.Fprintf(w, "stalled #%d     marked away by the server (its connection closed) %s after it stopped reading\n", i+1, s.after.Round(100*time.Millisecond))
		} else {
			fmt.Fprintf(w, "stalled #%d     not marked away within %s after it stopped reading\n", i+1, r.stallWait.Round(time.Second))
		}
	}
	if cfg.flooders > 0 {
		fmt.Fprintf(w, "flooders       %d sent %d topic(s) in %s; the room parked %d of them (%.1f/s)\n", cfg.flooders, r.flooded.Load(),
			r.roundsWall.Round(time.Millisecond), r.floodTaken, float64(r.floodTaken)/max(r.roundsWall.Seconds(), 1e-9))
	}
	fmt.Fprintf(w, "errors         %d marker(s) not seen within %s (counted at %s above)", r.missed, cfg.timeout, cfg.timeout)
	kinds := make([]string, 0, len(r.errors))
	for k := range r.errors {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(w, "; %d× %s", r.errors[k], k)
	}
	fmt.Fprintln(w)
}
