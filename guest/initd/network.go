package initd

// startNetwork brings up loopback, and the network card when pidone.net
// asks for it.
func (in *initd) startNetwork() {}
