package netconf

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// IPHelp lists what the ip command does, for "ip help".
const IPHelp = `ip [-4|-6] addr [show [dev] IF]
ip addr add|replace|del ADDR/LEN [brd ADDR|+] dev IF
ip addr flush dev IF
ip link [show [dev] IF]
ip link set [dev] IF [up|down] [mtu N]
ip [-4|-6] route [show [dev IF]]
ip route add|replace|del default|ADDR[/LEN] [via GW] [dev IF] [src ADDR] [metric N]
ip route flush dev IF
Objects and commands may be cut short as in iproute2: ip a, ip r, ip l s eth0 up.
`

// IPCommand is a parsed ip command line.
type IPCommand struct {
	Family int    // 4 or 6 from -4 or -6; 0 for both (addr, link) or IPv4 (route)
	Object string // "address", "link" or "route"
	Verb   string // "show", "add", "del", "replace", "flush" or "set" ("link set")
	Dev    string

	Addr      *net.IPNet // address add/del: the address and its prefix length (not masked)
	Broadcast net.IP     // address add: brd ADDR; nil is computed ("brd +")

	Dst    *net.IPNet // route: the destination; nil is default
	Via    net.IP
	Src    net.IP
	Metric int // -1 when not given

	State string // link set: "up", "down" or ""
	MTU   int    // link set: 0 when not given
}

// Abbreviations are matched as iproute2 does: any prefix of a word picks
// the first word in the list it begins, so "a" is address and "l" link.
var (
	ipObjects = []string{"address", "route", "link"}
	ipVerbs   = map[string][]string{
		"address": {"add", "change", "replace", "delete", "show", "list", "lst", "flush"},
		"link":    {"add", "set", "change", "replace", "delete", "show", "list", "lst"},
		"route":   {"add", "change", "replace", "delete", "show", "list", "lst", "flush", "get"},
	}
	verbAlias  = map[string]string{"list": "show", "lst": "show", "delete": "del"}
	ipKeywords = map[string]bool{"dev": true, "via": true, "src": true, "metric": true, "priority": true, "brd": true, "broadcast": true, "mtu": true, "to": true, "up": true, "down": true}
)

func match(word string, list []string) string {
	if word == "" {
		return ""
	}
	for _, w := range list {
		if strings.HasPrefix(w, word) {
			return w
		}
	}
	return ""
}

// ParseIP parses the arguments of ip (without "ip"). Its errors are
// about usage: the command prints them with the usage line.
func ParseIP(args []string) (*IPCommand, error) {
	c := &IPCommand{Metric: -1}
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-4":
			c.Family = 4
		case "-6":
			c.Family = 6
		default:
			return nil, fmt.Errorf("unknown option %s", args[0])
		}
		args = args[1:]
	}
	if len(args) == 0 {
		return nil, fmt.Errorf("no object: want address, link or route")
	}
	c.Object = match(args[0], ipObjects)
	if c.Object == "" {
		return nil, fmt.Errorf("unknown object %q: want address, link or route", args[0])
	}
	args = args[1:]
	c.Verb = "show"
	if len(args) > 0 {
		if v := match(args[0], ipVerbs[c.Object]); v != "" {
			c.Verb = v
			if a, ok := verbAlias[v]; ok {
				c.Verb = a
			}
			args = args[1:]
		} else if c.Object == "route" || ipKeywords[args[0]] && args[0] != "dev" {
			// "ip addr eth0" and "ip link dev eth0" show a device, as in
			// iproute2; any other word that is no command is a mistake.
			return nil, fmt.Errorf("unknown command %q for ip %s", args[0], c.Object)
		}
	}
	var err error
	switch c.Object + " " + c.Verb {
	case "address show", "link show":
		err = c.parseShow(args, true)
	case "route show":
		err = c.parseShow(args, false)
	case "address add", "address del", "address replace":
		err = c.parseAddr(args)
	case "address flush":
		err = c.parseShow(args, true)
		if err == nil && c.Dev == "" {
			err = fmt.Errorf("ip address flush needs dev IF")
		}
	case "route flush":
		err = c.parseShow(args, false)
		if err == nil && c.Dev == "" {
			err = fmt.Errorf("ip route flush needs dev IF")
		}
	case "link set":
		err = c.parseLinkSet(args)
	case "route add", "route del", "route replace":
		err = c.parseRoute(args)
	default:
		err = fmt.Errorf("ip %s %s is not supported", c.Object, c.Verb)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// next takes the value after a keyword.
func next(args []string, i *int) (string, error) {
	if *i+1 >= len(args) {
		return "", fmt.Errorf("%s needs a value", args[*i])
	}
	*i++
	return args[*i], nil
}

func (c *IPCommand) parseShow(args []string, bareDev bool) error {
	for i := 0; i < len(args); i++ {
		switch {
		case args[i] == "dev":
			v, err := next(args, &i)
			if err != nil {
				return err
			}
			if err := c.setDev(v); err != nil {
				return err
			}
		case bareDev && c.Dev == "":
			if err := c.setDev(args[i]); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unexpected %q", args[i])
		}
	}
	return nil
}

func (c *IPCommand) setDev(name string) error {
	if c.Dev != "" {
		return fmt.Errorf("two devices, %s and %s", c.Dev, name)
	}
	// The kernel's rule for interface names (dev_valid_name).
	if name == "" || len(name) > 15 || name == "." || name == ".." || strings.ContainsAny(name, "/: \t\n\x00") {
		return fmt.Errorf("bad interface name %q", name)
	}
	c.Dev = name
	return nil
}

// parseIP parses an address of the command's family, if it has one.
func (c *IPCommand) parseIP(s string) (net.IP, error) {
	ip := net.ParseIP(s)
	if ip == nil {
		return nil, fmt.Errorf("bad address %q", s)
	}
	if err := c.setFamily(ip); err != nil {
		return nil, err
	}
	if ip4 := ip.To4(); ip4 != nil {
		return ip4, nil
	}
	return ip, nil
}

func (c *IPCommand) setFamily(ip net.IP) error {
	f := 6
	if ip.To4() != nil {
		f = 4
	}
	if c.Family != 0 && c.Family != f {
		return fmt.Errorf("%s is not an IPv%d address", ip, c.Family)
	}
	c.Family = f
	return nil
}

// parsePrefix parses ADDR/LEN, or ADDR alone as a host prefix (/32 or
// /128). The address is kept as given, not masked.
func (c *IPCommand) parsePrefix(s string) (*net.IPNet, error) {
	a, l, hasLen := strings.Cut(s, "/")
	ip, err := c.parseIP(a)
	if err != nil {
		return nil, err
	}
	bits := 8 * len(ip)
	ones := bits
	if hasLen {
		n, err := strconv.Atoi(l)
		if err != nil || n < 0 || n > bits || l[0] == '+' || l[0] == '-' {
			return nil, fmt.Errorf("bad prefix length in %q", s)
		}
		ones = n
	}
	return &net.IPNet{IP: ip, Mask: net.CIDRMask(ones, bits)}, nil
}

// devArg reads the interface name that follows "dev".
func (c *IPCommand) devArg(args []string, i *int) error {
	v, err := next(args, i)
	if err != nil {
		return err
	}
	return c.setDev(v)
}

func (c *IPCommand) parseAddr(args []string) error {
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "dev":
			if err := c.devArg(args, &i); err != nil {
				return err
			}
		case "brd", "broadcast":
			v, err := next(args, &i)
			if err != nil {
				return err
			}
			if v != "+" {
				ip, err := c.parseIP(v)
				if err != nil {
					return err
				}
				c.Broadcast = ip
			}
		default:
			if c.Addr != nil {
				return fmt.Errorf("unexpected %q", args[i])
			}
			p, err := c.parsePrefix(args[i])
			if err != nil {
				return err
			}
			c.Addr = p
		}
	}
	if c.Addr == nil || c.Dev == "" {
		return fmt.Errorf("ip address %s needs ADDR/LEN and dev IF", c.Verb)
	}
	if c.Broadcast != nil && c.Family != 4 {
		return fmt.Errorf("brd is for IPv4 addresses")
	}
	return nil
}

func (c *IPCommand) parseLinkSet(args []string) error {
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "dev":
			if err := c.devArg(args, &i); err != nil {
				return err
			}
		case "up", "down":
			c.State = args[i]
		case "mtu":
			v, err := next(args, &i)
			if err != nil {
				return err
			}
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 || n > 1<<20 {
				return fmt.Errorf("bad mtu %q", v)
			}
			c.MTU = n
		default:
			if c.Dev != "" {
				return fmt.Errorf("unexpected %q", args[i])
			}
			if err := c.setDev(args[i]); err != nil {
				return err
			}
		}
	}
	if c.Dev == "" {
		return fmt.Errorf("ip link set needs a device")
	}
	if c.State == "" && c.MTU == 0 {
		return fmt.Errorf("ip link set %s: nothing to set (up, down or mtu N)", c.Dev)
	}
	return nil
}

func (c *IPCommand) parseRoute(args []string) error {
	haveDst := false
	setDst := func(v string) error {
		if haveDst {
			return fmt.Errorf("unexpected %q", v)
		}
		haveDst = true
		if v == "default" {
			return nil
		}
		p, err := c.parsePrefix(v)
		if err != nil {
			return err
		}
		// As iproute2 does, refuse 10.0.2.1/24: a destination is a
		// network, without host bits.
		if m := p.IP.Mask(p.Mask); !m.Equal(p.IP) {
			return fmt.Errorf("%s has host bits set; the network is %s", v, (&net.IPNet{IP: m, Mask: p.Mask}).String())
		}
		c.Dst = p
		return nil
	}
	for i := 0; i < len(args); i++ {
		kw := args[i]
		var err error
		switch kw {
		case "dev", "via", "src", "metric", "priority", "to":
			var v string
			if v, err = next(args, &i); err != nil {
				return err
			}
			switch kw {
			case "dev":
				err = c.setDev(v)
			case "via":
				c.Via, err = c.parseIP(v)
			case "src":
				c.Src, err = c.parseIP(v)
			case "to":
				err = setDst(v)
			default:
				n, perr := strconv.ParseUint(v, 10, 31)
				if perr != nil {
					err = fmt.Errorf("bad metric %q", v)
				}
				c.Metric = int(n)
			}
		default:
			err = setDst(kw)
		}
		if err != nil {
			return err
		}
	}
	if !haveDst {
		return fmt.Errorf("ip route %s needs a destination: default, ADDR or ADDR/LEN", c.Verb)
	}
	if c.Verb != "del" && c.Via == nil && c.Dev == "" {
		return fmt.Errorf("ip route %s needs via GW or dev IF", c.Verb)
	}
	return nil
}

// Args gives the command back as ip's arguments, in a canonical form
// that ParseIP reads as the same command.
func (c *IPCommand) Args() []string {
	var a []string
	if c.Family != 0 {
		a = append(a, "-"+strconv.Itoa(c.Family))
	}
	a = append(a, c.Object, c.Verb)
	switch c.Object {
	case "address":
		if c.Addr != nil {
			a = append(a, c.Addr.String())
		}
		if c.Broadcast != nil {
			a = append(a, "brd", c.Broadcast.String())
		}
	case "route":
		if c.Verb != "show" && c.Verb != "flush" {
			dst := "default"
			if c.Dst != nil {
				dst = c.Dst.String()
			}
			a = append(a, dst)
		}
		if c.Via != nil {
			a = append(a, "via", c.Via.String())
		}
		if c.Src != nil {
			a = append(a, "src", c.Src.String())
		}
		if c.Metric >= 0 {
			a = append(a, "metric", strconv.Itoa(c.Metric))
		}
	}
	if c.Dev != "" {
		a = append(a, "dev", c.Dev)
	}
	if c.State != "" {
		a = append(a, c.State)
	}
	if c.MTU != 0 {
		a = append(a, "mtu", strconv.Itoa(c.MTU))
	}
	return a
}
