package web

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzIndexCmdline: a kernel command line of any bytes stays inside
// index.html's boot configuration, escaped, and reads back as it was
// (invalid UTF-8 as JSON writes it).
func FuzzIndexCmdline(f *testing.F) {
	f.Add(`console=ttyS0 pidone.run="echo </script>"`)
	f.Add("<!-- <script> </SCRIPT \u2028 ]]> \xff")
	boot := regexp.MustCompile(`(?s)<script type="application/json" id="boot">(.*?)</script>`)
	f.Fuzz(func(t *testing.T, cmdline string) {
		index, err := index(map[string]string{"kernel": "linux.bin"}, Boot{Cmdline: cmdline, Mem: 128})
		if err != nil {
			t.Fatal(err)
		}
		lower := strings.ToLower(string(index))
		if n := strings.Count(lower, "</script"); n != 5 {
			t.Fatalf("index.html has %d </script, want 5:\n%s", n, index)
		}
		if strings.Count(lower, "<!--") != 0 || strings.Count(lower, "<script") != 5 {
			t.Fatalf("the command line opened markup:\n%s", index)
		}
		m := boot.FindSubmatch(index)
		if m == nil {
			t.Fatalf("no boot configuration:\n%s", index)
		}
		var c config
		if err := json.Unmarshal(m[1], &c); err != nil {
			t.Fatalf("boot configuration: %v\n%s", err, m[1])
		}
		want := cmdline
		if !utf8.ValidString(cmdline) {
			b, _ := json.Marshal(cmdline)
			json.Unmarshal(b, &want)
		}
		if c.Cmdline != want || c.Mem != 128 || c.Kernel != "linux.bin" {
			t.Errorf("boot configuration %+v, want cmdline %q", c, want)
		}
	})
}
