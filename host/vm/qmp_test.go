package vm

import (
	"bufio"
	"strings"
	"testing"
)

func TestReadQMPLine(t *testing.T) {
	long := strings.Repeat("x", maxQMPLine+10)
	r := bufio.NewReaderSize(strings.NewReader("{\"a\":1}\n"+long+"\n{\"b\":2}\n"), 4096)
	for _, want := range []string{"{\"a\":1}\n", "", "{\"b\":2}\n"} {
		got, err := readQMPLine(r)
		if err != nil || string(got) != want {
			t.Fatalf("line = %.20q, %v; want %q", got, err, want)
		}
	}
	if _, err := readQMPLine(r); err == nil {
		t.Error("no error at the end")
	}
}

func TestEndingFromEvents(t *testing.T) {
	for _, tt := range []struct {
		events []qmpEvent
		killed bool
		want   Ending
	}{
		{[]qmpEvent{shutdown("guest-shutdown")}, false, Poweroff},
		{[]qmpEvent{shutdown("guest-reset")}, false, Reset},
		{[]qmpEvent{{Event: "GUEST_PANICKED"}, shutdown("guest-panic")}, false, Panic},
		// Killed as it powered off: it powered off.
		{[]qmpEvent{shutdown("guest-shutdown")}, true, Poweroff},
		{nil, true, Killed},
		// Ctrl-A X: QEMU quits without a guest event.
		{[]qmpEvent{{Event: "SHUTDOWN"}}, false, Killed},
	} {
		v := &VM{killed: tt.killed}
		for _, e := range tt.events {
			v.qmpSaw(e)
		}
		if got := v.ending(); got != tt.want {
			t.Errorf("%+v killed=%v: %v, want %v", tt.events, tt.killed, got, tt.want)
		}
	}
}

func shutdown(reason string) qmpEvent {
	var e qmpEvent
	e.Event = "SHUTDOWN"
	e.Data.Guest = true
	e.Data.Reason = reason
	return e
}

func TestStderrLog(t *testing.T) {
	var log strings.Builder
	s := &stderrLog{log: &log}
	s.Write([]byte("qemu-system-x86_64: warning: x\npidone: relay: 64 guest conn"))
	s.Write([]byte("ections open\n"))
	s.Write([]byte(strings.Repeat("y", 2*maxStderr)))
	if log.String() != "pidone: relay: 64 guest connections open\n" {
		t.Errorf("logged %q", log.String())
	}
	if len(s.String()) != maxStderr || !strings.HasPrefix(s.String(), "qemu-system-x86_64: warning") {
		t.Errorf("kept %d bytes: %.40q", len(s.String()), s.String())
	}
}
