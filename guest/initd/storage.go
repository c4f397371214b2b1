package initd

// mountStorage mounts the data disk (pidone.data) and 9p shares
// (pidone.share).
func (in *initd) mountStorage() {}
