// Package skipall's tests all skip, most for one reason, which pidone
// test's ok line gives.
package skipall

import "testing"

func TestNeedsRoot(t *testing.T) { t.Skip("needs root") }

func TestCgroupA(t *testing.T) { t.Log("looking"); t.Skip("cgroup2 is not mounted") }

func TestCgroupB(t *testing.T) { t.Skipf("cgroup%d is not mounted", 2) }
