package coreutils

import "pidone.dev/guest/cmds"

var _ = cmds.Register(&cmds.Cmd{Name: "false", Usage: "", Summary: "do nothing, unsuccessfully", Run: func(*cmds.Env, []string) error { return cmds.ExitStatus(1) }, Quick: true})
