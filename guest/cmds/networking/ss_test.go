//go:build pidone_net

package networking

import (
	"bufio"
	"net"
	"strconv"
	"strings"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

// ssTables are sample /proc/net tables: TCP listeners on 127.0.0.1, ::1
// and ::, connections over IPv4 (with queues) and IPv4-mapped IPv6, one
// in TIME-WAIT; UDP unconnected and connected; a raw ICMP socket; unix
// sockets listening, connected (stream and seqpacket) and unconnected.
func ssTables(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{
		"tcp": "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
			"   0: 0100007F:494D 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0\n" +
			"   1: 0100007F:92AB 0100007F:E1B8 01 00000002:00000003 00:00000000 00000000     0        0 112 1 0\n" +
			"   2: 0100007F:92AC 0100007F:E1B8 06 00000000:00000000 00:00000000 00000000     0        0 0 1 0\n",
		"tcp6": "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
			"   0: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 113 1 0\n" +
			"   1: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 117 1 0\n" +
			"   2: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 118 1 0\n",
		"udp": "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n" +
			"  1: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 114 2 0 0\n" +
			"  2: 0100007F:8000 0100007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 119 2 0 0\n",
		"udp6": "   sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n",
		"raw": "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n" +
			"  1: 00000000:0001 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 120 2 0 0\n",
		"unix": "Num       RefCount Protocol Flags    Type St Inode Path\n" +
			"0000000000000000: 00000002 00000000 00010000 0001 01 115 /run/x.sock\n" +
			"0000000000000000: 00000003 00000000 00000000 0001 03 116\n" +
			"0000000000000000: 00000002 00000000 00000000 0002 01 121 @dgram\n" +
			"0000000000000000: 00000003 00000000 00000000 0005 03 122\n",
	})
	old := procNet
	procNet = dir
	t.Cleanup(func() { procNet = old })
}

// TestNetCmdSs compares ss with iproute2's ss 6.1 on the same tables:
// each want is what PROC_ROOT=DIR ss ARGS printed, DIR holding them as
// net/tcp, net/tcp6, ...
func TestNetCmdSs(t *testing.T) {
	ssTables(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-n"},
			"Netid State Recv-Q Send-Q      Local Address:Port        Peer Address:Port Process\n" +
				"u_str ESTAB 0      0                       * 116                    * 0           \n" +
				"u_seq ESTAB 0      0                       * 122                    * 0           \n" +
				"udp   ESTAB 0      0               127.0.0.1:32768          127.0.0.1:53          \n" +
				"tcp   ESTAB 3      2               127.0.0.1:37547          127.0.0.1:57784       \n" +
				"tcp   ESTAB 0      0      [::ffff:127.0.0.1]:8080  [::ffff:127.0.0.1]:50000       \n"},
		{[]string{"-tln"},
			"State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess\n" +
				"LISTEN 0      0          127.0.0.1:18765      0.0.0.0:*          \n" +
				"LISTEN 0      0              [::1]:22               *:*          \n" +
				"LISTEN 0      0                  *:8080             *:*          \n"},
		{[]string{"-tuln"},
			"Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess\n" +
				"udp   UNCONN 0      0            0.0.0.0:68         0.0.0.0:*          \n" +
				"tcp   LISTEN 0      0          127.0.0.1:18765      0.0.0.0:*          \n" +
				"tcp   LISTEN 0      0              [::1]:22               *:*          \n" +
				"tcp   LISTEN 0      0                  *:8080             *:*          \n"},
		{[]string{"-ln"},
			"Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess\n" +
				"u_str LISTEN 0      0        /run/x.sock 115              * 0          \n" +
				"u_dgr UNCONN 0      0             @dgram 121              * 0          \n" +
				"raw   UNCONN 0      0            0.0.0.0:1          0.0.0.0:*          \n" +
				"udp   UNCONN 0      0            0.0.0.0:68         0.0.0.0:*          \n" +
				"tcp   LISTEN 0      0          127.0.0.1:18765      0.0.0.0:*          \n" +
				"tcp   LISTEN 0      0              [::1]:22               *:*          \n" +
				"tcp   LISTEN 0      0                  *:8080             *:*          \n"},
		{[]string{"-an"},
			"Netid State     Recv-Q Send-Q      Local Address:Port        Peer Address:Port Process\n" +
				"u_str LISTEN    0      0             /run/x.sock 115                    * 0           \n" +
				"u_str ESTAB     0      0                       * 116                    * 0           \n" +
				"u_dgr UNCONN    0      0                  @dgram 121                    * 0           \n" +
				"u_seq ESTAB     0      0                       * 122                    * 0           \n" +
				"raw   UNCONN    0      0                 0.0.0.0:1                0.0.0.0:*           \n" +
				"udp   UNCONN    0      0                 0.0.0.0:68               0.0.0.0:*           \n" +
				"udp   ESTAB     0      0               127.0.0.1:32768          127.0.0.1:53          \n" +
				"tcp   LISTEN    0      0               127.0.0.1:18765            0.0.0.0:*           \n" +
				"tcp   ESTAB     3      2               127.0.0.1:37547          127.0.0.1:57784       \n" +
				"tcp   TIME-WAIT 0      0               127.0.0.1:37548          127.0.0.1:57784       \n" +
				"tcp   LISTEN    0      0                   [::1]:22                     *:*           \n" +
				"tcp   LISTEN    0      0                       *:8080                   *:*           \n" +
				"tcp   ESTAB     0      0      [::ffff:127.0.0.1]:8080  [::ffff:127.0.0.1]:50000       \n"},
		{[]string{"-xln"},
			"Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n" +
				"u_str LISTEN 0      0        /run/x.sock 115             * 0          \n" +
				"u_dgr UNCONN 0      0             @dgram 121             * 0          \n"},
		{[]string{"-un"},
			"Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess\n" +
				"0      0          127.0.0.1:32768    127.0.0.1:53         \n"},
		{[]string{"-wln"},
			"State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n" +
				"UNCONN 0      0            0.0.0.0:1         0.0.0.0:*          \n"},
		{[]string{"-6ln"},
			"Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n" +
				"tcp   LISTEN 0      0              [::1]:22              *:*          \n" +
				"tcp   LISTEN 0      0                  *:8080            *:*          \n"},
		{[]string{"-Htln"},
			"LISTEN 0      0      127.0.0.1:18765 0.0.0.0:*\n" +
				"LISTEN 0      0          [::1]:22          *:*\n" +
				"LISTEN 0      0              *:8080        *:*\n"},
		{[]string{"-4xn"},
			"Netid State Recv-Q Send-Q Local Address:Port  Peer Address:Port Process\n" +
				"u_str ESTAB 0      0                  * 116              * 0           \n" +
				"u_seq ESTAB 0      0                  * 122              * 0           \n" +
				"udp   ESTAB 0      0          127.0.0.1:32768    127.0.0.1:53          \n" +
				"tcp   ESTAB 3      2          127.0.0.1:37547    127.0.0.1:57784       \n"},
		{[]string{"-tan"},
			"State     Recv-Q Send-Q      Local Address:Port        Peer Address:Port Process\n" +
				"LISTEN    0      0               127.0.0.1:18765            0.0.0.0:*           \n" +
				"ESTAB     3      2               127.0.0.1:37547          127.0.0.1:57784       \n" +
				"TIME-WAIT 0      0               127.0.0.1:37548          127.0.0.1:57784       \n" +
				"LISTEN    0      0                   [::1]:22                     *:*           \n" +
				"LISTEN    0      0                       *:8080                   *:*           \n" +
				"ESTAB     0      0      [::ffff:127.0.0.1]:8080  [::ffff:127.0.0.1]:50000       \n"},
		{[]string{"-lan"},
			"Netid State     Recv-Q Send-Q      Local Address:Port        Peer Address:Port Process\n" +
				"u_str LISTEN    0      0             /run/x.sock 115                    * 0           \n" +
				"u_str ESTAB     0      0                       * 116                    * 0           \n" +
				"u_dgr UNCONN    0      0                  @dgram 121                    * 0           \n" +
				"u_seq ESTAB     0      0                       * 122                    * 0           \n" +
				"raw   UNCONN    0      0                 0.0.0.0:1                0.0.0.0:*           \n" +
				"udp   UNCONN    0      0                 0.0.0.0:68               0.0.0.0:*           \n" +
				"udp   ESTAB     0      0               127.0.0.1:32768          127.0.0.1:53          \n" +
				"tcp   LISTEN    0      0               127.0.0.1:18765            0.0.0.0:*           \n" +
				"tcp   ESTAB     3      2               127.0.0.1:37547          127.0.0.1:57784       \n" +
				"tcp   TIME-WAIT 0      0               127.0.0.1:37548          127.0.0.1:57784       \n" +
				"tcp   LISTEN    0      0                   [::1]:22                     *:*           \n" +
				"tcp   LISTEN    0      0                       *:8080                   *:*           \n" +
				"tcp   ESTAB     0      0      [::ffff:127.0.0.1]:8080  [::ffff:127.0.0.1]:50000       \n"},
		{[]string{"-aln"},
			"Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess\n" +
				"u_str LISTEN 0      0        /run/x.sock 115              * 0          \n" +
				"u_dgr UNCONN 0      0             @dgram 121              * 0          \n" +
				"raw   UNCONN 0      0            0.0.0.0:1          0.0.0.0:*          \n" +
				"udp   UNCONN 0      0            0.0.0.0:68         0.0.0.0:*          \n" +
				"tcp   LISTEN 0      0          127.0.0.1:18765      0.0.0.0:*          \n" +
				"tcp   LISTEN 0      0              [::1]:22               *:*          \n" +
				"tcp   LISTEN 0      0                  *:8080             *:*          \n"},
		{[]string{"-Hn", "-t"},
			"ESTAB 3      2               127.0.0.1:37547          127.0.0.1:57784\n" +
				"ESTAB 0      0      [::ffff:127.0.0.1]:8080  [::ffff:127.0.0.1]:50000\n"},
	} {
		out, errs, st := cmdtest.Run(t, "", "", "ss", tt.args...)
		if st != 0 || out != tt.want {
			t.Errorf("ss %q: %d %q\n%s\nwant\n%s", tt.args, st, errs, out, tt.want)
		}
	}
	for _, bad := range [][]string{{"-q"}, {"-t", "dport", "=", ":22"}} {
		if _, errs, st := cmdtest.Run(t, "", "", "ss", bad...); st != 2 || errs == "" {
			t.Errorf("ss %q: status %d, %q", bad, st, errs)
		}
	}
}

func TestSsStateOption(t *testing.T) {
	listen := 1<<ssListen | 1<<ssClose
	for _, tt := range []struct {
		args []string
		want int
	}{
		{nil, 0},
		{[]string{"-t"}, 0},
		{[]string{"-la"}, ssAll},
		{[]string{"-al"}, listen},
		{[]string{"-a", "-tln"}, listen},
		{[]string{"--listening", "--all"}, ssAll},
		{[]string{"-t", "--", "-a"}, 0},
	} {
		if got := stateOption(tt.args); got != tt.want {
			t.Errorf("stateOption(%q) = %#x, want %#x", tt.args, got, tt.want)
		}
	}
}

func TestSsPortNames(t *testing.T) {
	n := &ssNames{read: true, ephLo: 32768, ephHigh: 60999,
		protocols: map[string]string{"1": "icmp"}}
	n.services.services = map[string]string{"22/tcp": "ssh", "53/udp": "domain", "40000/tcp": "bogus"}
	var none *ssNames
	for _, tt := range []struct {
		n     *ssNames
		port  int
		proto string
		want  string
	}{
		{n, 0, "tcp", "*"},
		{n, 22, "tcp", "ssh"},
		{n, 22, "udp", "22"},
		{n, 53, "udp", "domain"},
		{n, 40000, "tcp", "40000"}, // ephemeral: no name
		{n, 1, "raw", "icmp"},
		{n, 58, "raw", "58"},
		{none, 22, "tcp", "22"},
		{none, 0, "tcp", "*"},
	} {
		if got := tt.n.port(tt.port, tt.proto); got != tt.want {
			t.Errorf("port(%d, %s) = %q, want %q", tt.port, tt.proto, got, tt.want)
		}
	}
}

// TestSsSpread checks the layout on a terminal, where ss widens the
// columns to fill its lines and breaks them where they would not fit,
// against iproute2's ss -tln on one listener in terminals 60 and 40
// columns wide.
func TestSsSpread(t *testing.T) {
	for _, tt := range []struct {
		width int
		want  string
	}{
		{60, "State  Recv-Q Send-Q Local Address:Port   Peer Address:Port Process                                                     \n" +
			"LISTEN 0      0          127.0.0.1:18765       0.0.0.0:*                                                                \n"},
		{40, "State  Recv-Q Send-Q Local Address:Port       Peer Address:Port     Process     \n" +
			"LISTEN 0      0          127.0.0.1:18765           0.0.0.0:*                    \n"},
	} {
		tb := &ssTable{}
		tb.cols[ssNetid].off = true
		tb.add("", "State", "Recv-Q", "Send-Q", "Local Address:", "Port", "Peer Address:", "Port", "Process")
		tb.add("", "LISTEN", "0     ", "0     ", "127.0.0.1:", "18765", "0.0.0.0:", "*", "")
		var b strings.Builder
		w := bufio.NewWriter(&b)
		tb.render(w, tt.width)
		w.Flush()
		if b.String() != tt.want {
			t.Errorf("ss on a terminal %d wide:\n%q\nwant\n%q", tt.width, b.String(), tt.want)
		}
	}
}

func TestNetCmdSsReal(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip(err)
	}
	defer l.Close()
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	out, _, _ := cmdtest.Run(t, "", "", "ss", "-tlnp")
	if !strings.Contains(out, "127.0.0.1:"+port+" ") || !strings.Contains(out, " users:((") {
		t.Errorf("ss -tlnp does not list 127.0.0.1:%s with its process:\n%s", port, out)
	}
}
