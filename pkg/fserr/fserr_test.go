package fserr

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"testing"
)

func TestReason(t *testing.T) {
	_, err := os.Open("/no/such/file")
	r := Reason(err)
	if r.Error() != "no such file or directory" {
		t.Errorf("Reason = %q", r)
	}
	wrapped := fmt.Errorf("kernel /no/such/file: %w", r)
	if !errors.Is(wrapped, fs.ErrNotExist) {
		t.Error("the chain is lost: errors.Is(ErrNotExist) is false")
	}
	err = os.Rename("/no/a", "/no/b")
	if Reason(err).Error() != "no such file or directory" {
		t.Errorf("link error: %q", Reason(err))
	}
	plain := errors.New("plain")
	if Reason(plain) != plain {
		t.Error("a plain error changed")
	}
}
