// Package editors holds the text editors: vi.
package editors
