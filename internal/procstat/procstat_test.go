package procstat

import (
	"os"
	"runtime"
	"testing"
)

func TestOwnFigures(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	// Some work, so that the CPU time is above zero.
	x := 0
	for i := range 50_000_000 {
		x += i % 7
	}
	_ = x
	if cur, hwm := RSS(os.Getpid()); cur <= 0 || hwm < cur {
		t.Errorf("RSS of this process: %d, high-water mark %d", cur, hwm)
	}
	if CPUTime(os.Getpid()) < 0 || OwnCPU() <= 0 {
		t.Errorf("CPU time: %v by /proc, %v by getrusage", CPUTime(os.Getpid()), OwnCPU())
	}
	if cur, hwm := RSS(0); cur != 0 || hwm != 0 || CPUTime(-1) != 0 {
		t.Error("a pid that is not positive has figures")
	}
}
