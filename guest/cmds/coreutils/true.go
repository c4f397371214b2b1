package coreutils

import "pidone.dev/guest/cmds"

var _ = cmds.Register(&cmds.Cmd{Name: "true", Usage: "", Summary: "do nothing, successfully", Run: func(*cmds.Env, []string) error { return nil }, Quick: true})
