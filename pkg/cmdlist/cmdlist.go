// Package cmdlist names the guest's commands for the host, which links
// each name in an image's /bin to the guest binary, without the host
// linking the commands' code: Names is generated from guest/cmds, with
// every family linked (guest/cmds/all), by "go generate ./pkg/cmdlist",
// and a test fails when it is out of date.
package cmdlist

//go:generate go run pidone.dev/guest/cmds/internal/listgen
