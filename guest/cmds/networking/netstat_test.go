//go:build pidone_net

package networking

import (
	"net"
	"strconv"
	"strings"
	"testing"

	"pidone.dev/guest/cmds/cmdtest"
)

func TestNetCmdNetstat(t *testing.T) {
	dir := t.TempDir()
	cmdtest.WriteFiles(t, dir, map[string]string{
		"tcp": "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
			"   0: 0100007F:494D 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0\n" +
			"   1: 0100007F:92AB 0100007F:E1B8 01 00000002:00000003 00:00000000 00000000     0        0 112 1 0\n",
		"tcp6": "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
			"   0: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 113 1 0\n",
		"udp": "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n" +
			"  1: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 114 2 0 0\n",
		"unix": "Num       RefCount Protocol Flags    Type St Inode Path\n" +
			"0000000000000000: 00000002 00000000 00010000 0001 01 115 /run/x.sock\n" +
			"0000000000000000: 00000003 00000000 00000000 0001 03 116\n",
	})
	old := procNet
	procNet = dir
	defer func() { procNet = old }()
	hdr := "Proto Recv-Q Send-Q Local Address           Foreign Address         State       \n"
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-tln"}, "Active Internet connections (only servers)\n" + hdr +
			"tcp        0      0 127.0.0.1:18765         0.0.0.0:*               LISTEN      \n" +
			"tcp        0      0 ::1:22                  :::*                    LISTEN      \n"},
		{[]string{"-tn"}, "Active Internet connections (w/o servers)\n" + hdr +
			"tcp        3      2 127.0.0.1:37547         127.0.0.1:57784         ESTABLISHED \n"},
		{[]string{"-uan"}, "Active Internet connections (servers and established)\n" + hdr +
			"udp        0      0 0.0.0.0:68              0.0.0.0:*                           \n"},
		{[]string{"-lx"}, "Active UNIX domain sockets (only servers)\nProto RefCnt Flags       Type       State         I-Node Path\n" +
			"unix  2      [ ACC ]     STREAM     LISTENING        115 /run/x.sock\n"},
		{[]string{"-x"}, "Active UNIX domain sockets (w/o servers)\nProto RefCnt Flags       Type       State         I-Node Path\n" +
			"unix  3      [ ]         STREAM     CONNECTED        116 \n"},
	} {
		out, errs, st := cmdtest.Run(t, "", "", "netstat", tt.args...)
		if st != 0 || out != tt.want {
			t.Errorf("netstat %q: %d %q\n%s\nwant\n%s", tt.args, st, errs, out, tt.want)
		}
	}
	if _, _, st := cmdtest.Run(t, "", "", "netstat", "-q"); st != 2 {
		t.Errorf("netstat -q: %d", st)
	}
}

func TestNetCmdNetstatReal(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip(err)
	}
	defer l.Close()
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	out, _, _ := cmdtest.Run(t, "", "", "netstat", "-tlnp")
	if !strings.Contains(out, "127.0.0.1:"+port+" ") || !strings.Contains(out, "PID/Program name") {
		t.Errorf("netstat -tlnp does not list 127.0.0.1:%s:\n%s", port, out)
	}
}
