//go:build !pidone_net

package initd

// startCard, in an image built without networking, only says why
// pidone.net does nothing: the image has no DHCP client to run.
func (in *initd) startCard() <-chan struct{} {
	if in.opts.Net != "" && in.opts.Net != "none" {
		in.logf("pidone.net=%s: this image has no networking; build it with --net", in.opts.Net)
	}
	done := make(chan struct{})
	close(done)
	return done
}
