package initd

// loadModules loads the kernel modules the devices need (pidone.modules).
func (in *initd) loadModules() {}
