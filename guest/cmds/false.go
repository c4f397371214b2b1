package cmds

func init() {
	Register(&Cmd{Name: "false", Usage: "", Summary: "do nothing, unsuccessfully", Run: func(*Env, []string) error { return ExitStatus(1) }, Quick: true})
}
