package networking

import "pidone.dev/guest/cmds"

// netCmds are the networking commands. A guest built with the pidone_net
// tag has them (ip.go, dhcp.go, wget.go, ping.go, ...); one built without has
// stubs under the same names (nonet.go) that say how to get networking.
// Both builds thus list the same commands, and the host, which is built
// without the tag, makes the same links in /bin for either image.
//
// The table lives here, in a file of both builds, so that the names,
// usages and summaries cannot drift apart between the two.
var netCmds = []cmds.Cmd{
	{Name: "dhclient", Usage: "[-q] [-t SECONDS] [IF]", Summary: "get an address by DHCP (as dhcp)"},
	{Name: "dhcp", Usage: "[-q] [-t SECONDS] [IF]", Summary: "get an address, a default route and DNS servers by DHCP"},
	{Name: "http", Usage: "[-T SECONDS] URL", Summary: "print what an http:// URL holds (wget -qO- URL)"},
	{Name: "ip", Usage: "[-4|-6] address|link|route [COMMAND [ARG]...] (ip help lists them)", Summary: "show or change network interfaces, addresses and routes", Quick: true},
	{Name: "nc", Usage: "[-luz] [-p PORT] [-w SECS] [-e PROG] [HOST PORT]", Summary: "connect to a TCP or UDP port, or wait for a connection, and copy stdin and stdout over it"},
	{Name: "netstat", Usage: "[-altuwxnpW]", Summary: "list network sockets: connected ones, -l listening, -a all", Quick: true},
	{Name: "ping", Usage: "[-q] [-c COUNT] [-i SECONDS] [-W SECONDS] [-s SIZE] HOST", Summary: "send ICMP echo requests to a host"},
	{Name: "ss", Usage: "[-atuwxlnpH46]", Summary: "list network sockets as iproute2's ss: connected ones, -l listening, -a all", Quick: true},
	{Name: "wget", Usage: "[-q] [-O FILE|-] [-T SECONDS] URL", Summary: "download an http:// URL"},
}

// registerNet registers the networking command name, which must be in
// netCmds, to run run, as cmds.Register does.
func registerNet(name string, run func(*cmds.Env, []string) error) *cmds.Cmd {
	for i := range netCmds {
		if netCmds[i].Name == name {
			c := netCmds[i] // one copy, for the one that is registered
			c.Run = run
			return cmds.Register(&c)
		}
	}
	panic("networking: command " + name + " is not in netCmds")
}
