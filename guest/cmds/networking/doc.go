// Package networking is the family of pidone's network commands, as
// BusyBox's networking directory holds them: dhcp (and dhclient) http
// ip nc netstat ping wget, and iproute2's ss, which BusyBox has not, on
// the socket tables netstat reads (sockets.go). They exist only in
// guests built with the pidone_net tag (pidone build --net); without it
// the same names are stubs that say how to get them (nonet.go), so that
// both builds list the same commands and the host makes the same /bin
// links. netcmds.go is the one table of their names, usages and
// summaries, for both builds.
package networking
