// Package fserr shortens file-system errors for messages that name the
// path themselves: "kernel /x: no such file or directory" rather than
// "kernel /x: open /x: no such file or directory". The chain is kept:
// wrap Reason's result with %w, and errors.Is(err, fs.ErrNotExist) still
// holds.
package fserr

import (
	"errors"
	"io/fs"
	"os"
)

// Reason is the error inside a *fs.PathError, *os.LinkError or
// *os.SyscallError (the errno that says what went wrong), or err itself.
func Reason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err
	}
	return err
}
