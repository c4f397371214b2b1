package archival

import (
	"errors"
	"io/fs"
	"time"
)

// errnoOf strips Go's "open /full/path:" from err, for messages that
// name the file themselves.
func errnoOf(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func unixTime(sec int64) time.Time { return time.Unix(sec, 0) }
