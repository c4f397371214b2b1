package kmod

import "strings"

// CmdlineOptions returns the module parameters that a kernel command line
// gives, by module name: "nf_conntrack.enable_hooks=1 loop.max_loop=4"
// gives nf_conntrack "enable_hooks=1" and loop "max_loop=4". The kernel
// applies such words to the drivers built into it; for modules, modprobe
// reads them from /proc/cmdline and passes them when it loads the module,
// after any others the module has and before those typed on modprobe's
// own command line, so that those win.
//
// It reads the line as kmod's modprobe does (libkmod-config.c): a word is
// MODULE.PARAM or MODULE.PARAM=VALUE; a module name with '-' is the one
// with '_'; a value may be quoted, spaces and all ("m.p=\"a b\""), and the
// quotes stay for the kernel to remove; a word that a boot loader quoted
// whole ("\"m.p=a b\"") is quoted again around its value. Words with a
// second '.' before the '=', a '=' before any '.', or a quote or space
// elsewhere are not module parameters. Several parameters of one module
// come in the order of the line, separated by spaces.
func CmdlineOptions(cmdline string) map[string]string {
	const (
		stIgnore = iota
		stModname
		stParam
		stValue
	)
	opts := map[string]string{}
	add := func(module, param string) {
		module = NormalizeAlias(module)
		if module == "" || param == "" || strings.ContainsAny(module, "[]") {
			// kmod refuses a name it cannot normalize; an empty
			// parameter ("m.") says nothing.
			return
		}
		if old := opts[module]; old != "" {
			param = old + " " + param
		}
		opts[module] = param
	}
	s := cmdline
	state := stModname
	quoted := false
	quoteStart := -1 // where the quote before the module name is, if any
	modStart, paramStart, valueStart := 0, -1, -1
	modEnd := -1
	for p := 0; p <= len(s); p++ {
		c := byte(0)
		if p < len(s) {
			c = s[p]
		}
		complete := false
		switch c {
		case '"':
			quoted = !quoted
			switch {
			case quoted && state == stModname && p == modStart:
				quoteStart = p
				modStart = p + 1
			case state != stValue:
				state = stIgnore
			}
		case 0, ' ', '\n', '\t', '\v', '\f', '\r':
			switch {
			case quoted && state == stValue:
			case quoted:
				state = stIgnore // spaces only in a value
			case state == stValue || state == stParam:
				complete = true
			default:
				modStart, state, quoteStart = p+1, stModname, -1
			}
		case '.':
			switch state {
			case stModname:
				modEnd, paramStart, state = p, p+1, stParam
			case stParam:
				state = stIgnore
			}
		case '=':
			switch state {
			case stParam:
				valueStart, state = p+1, stValue
			case stModname:
				state = stIgnore
			}
		}
		if complete {
			module, param := s[modStart:modEnd], s[paramStart:p]
			if quoteStart >= 0 && state == stValue {
				// The boot loader quoted the whole word: quote the value.
				param = s[paramStart:valueStart] + `"` + s[valueStart:p]
			}
			add(module, param)
			modStart, state, quoteStart, valueStart = p+1, stModname, -1, -1
		}
	}
	return opts
}
