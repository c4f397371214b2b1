package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
	"golang.org/x/term"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"pidone.dev/guest/cmds"
	"pidone.dev/guest/lineedit"
	"pidone.dev/pkg/bootopts"
)

// defaultPS1 shows the host and the working directory: "pidone:~# ".
const defaultPS1 = `\h:\w\$ `

// Interactive reads commands from the terminal with line editing,
// history and completion until exit or Ctrl-D, and returns the status of
// the last command.
func (s *Shell) Interactive(ctx context.Context) int {
	if err := s.init(nil); err != nil {
		fmt.Fprintf(s.Stderr, "sh: %v\n", err)
		return 2
	}
	interp.Interactive(true)(s.runner)
	s.interactive = true
	s.name = "sh"
	if s.login {
		s.name = "-sh"
	}
	in, _ := s.Stdin.(*os.File)
	if in != nil && term.IsTerminal(int(in.Fd())) && s.Exe != "" {
		t, err := startJobControl(int(in.Fd()), s.Stderr)
		if err != nil {
			fmt.Fprintf(s.Stderr, "sh: no job control: %v\n", err)
		} else {
			s.jobs = t
		}
	}
	if s.login {
		for _, p := range []string{"/etc/profile", filepath.Join(os.Getenv("HOME"), ".profile")} {
			s.source(ctx, p)
		}
	}
	ed := &lineedit.Editor{In: in, Out: s.Stdout, Complete: s.complete}
	if home := os.Getenv("HOME"); home != "" {
		ed.HistoryFile = filepath.Join(home, ".sh_history")
	}
	if in == nil {
		return s.run(ctx, s.Stdin, "")
	}
	last := 0
	first := true
	var src strings.Builder
	for {
		if s.jobs != nil {
			s.jobs.reportDone()
		}
		prompt := s.prompt("PS1", defaultPS1)
		if src.Len() > 0 {
			prompt = s.prompt("PS2", "> ")
		}
		if first {
			first = false
			// A moment after ReadLine has drawn the prompt, which is
			// what people (and the boot benchmark) wait for.
			at := bootTime()
			time.AfterFunc(150*time.Millisecond, func() { promptShown(at) })
		}
		line, err := ed.ReadLine(prompt)
		switch {
		case errors.Is(err, lineedit.ErrInterrupted):
			src.Reset()
			continue
		case err == io.EOF && src.Len() > 0:
			src.Reset()
			fmt.Fprintln(s.Stdout)
			continue
		case err == io.EOF:
			if s.jobs != nil && s.jobs.hasStopped() && !s.jobs.warned {
				s.jobs.warned = true
				fmt.Fprintln(s.Stderr, "\nThere are stopped jobs.")
				continue
			}
			fmt.Fprintln(s.Stdout, "exit")
			s.hangup()
			return last
		case err != nil:
			fmt.Fprintf(s.Stderr, "sh: %v\n", err)
			s.hangup()
			return 1
		}
		src.WriteString(line)
		src.WriteByte('\n')
		file, err := parser().Parse(strings.NewReader(src.String()), "")
		if syntax.IsIncomplete(err) {
			continue
		}
		text := strings.TrimSpace(src.String())
		src.Reset()
		if text != "" {
			ed.AddHistory(text)
		}
		if err != nil {
			fmt.Fprintf(s.Stderr, "sh: %v\n", err)
			last = 2
			continue
		}
		markBackground(file)
		for _, st := range file.Stmts {
			code, exited := s.runStmt(ctx, st, stmtText(text, st))
			last = code
			if exited {
				if s.jobs != nil && s.jobs.hasStopped() && !s.jobs.warned {
					s.jobs.warned = true
					fmt.Fprintln(s.Stderr, "There are stopped jobs.")
					break
				}
				s.hangup()
				return last
			}
		}
		if s.jobs != nil {
			s.jobs.warned = false
		}
	}
}

// runStmt runs one top-level statement as one job.
func (s *Shell) runStmt(ctx context.Context, st *syntax.Stmt, text string) (int, bool) {
	// The statement's context is not derived from ctx on purpose: it
	// lives as long as any background job it started.
	stCtx, cancel := context.WithCancel(context.Background())
	j := &job{text: text, cancel: cancel}
	stCtx = withJob(stCtx, j)
	if s.jobs != nil {
		s.jobs.mu.Lock()
		s.jobs.current = func() { j.interrupted = true; cancel() }
		s.jobs.mu.Unlock()
	}
	err := s.runner.Run(stCtx, s.file(st))
	// "cmd &" starts in the interpreter's goroutine: let it start, and
	// print its "[1] 123", before the next prompt, as shells do.
	s.bg.settle(time.Second)
	if s.jobs != nil {
		s.jobs.mu.Lock()
		s.jobs.current = nil
		s.jobs.mu.Unlock()
		s.jobs.reclaim()
		if j.interrupted {
			fmt.Fprintln(s.Stderr)
		}
	}
	return status(err), s.runner.Exited()
}

func (s *Shell) hangup() {
	if s.jobs != nil {
		s.jobs.hangup()
	}
}

// stmtText is the source of st, for the jobs list.
func stmtText(src string, st *syntax.Stmt) string {
	start, end := int(st.Pos().Offset()), int(st.End().Offset())
	if start < 0 || end > len(src) || start >= end {
		return src
	}
	return strings.TrimSuffix(strings.TrimSpace(src[start:end]), "&")
}

func (s *Shell) source(ctx context.Context, path string) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	file, err := parser().Parse(f, path)
	if err != nil {
		fmt.Fprintf(s.Stderr, "sh: %v\n", err)
		return
	}
	s.runner.Run(ctx, file)
}

// prompt expands PS1 or PS2 with the usual backslash escapes: \u user,
// \h host, \w directory (with ~), \W its last element, \$ "#" for root.
func (s *Shell) prompt(name, def string) string {
	ps := def
	if v, ok := s.runner.Vars[name]; ok && v.IsSet() {
		ps = v.String()
	}
	var b strings.Builder
	for i := 0; i < len(ps); i++ {
		c := ps[i]
		if c != '\\' || i+1 == len(ps) {
			b.WriteByte(c)
			continue
		}
		i++
		switch ps[i] {
		case 'u':
			b.WriteString(firstNonEmpty(os.Getenv("USER"), "root"))
		case 'h', 'H':
			h, _ := os.Hostname()
			if ps[i] == 'h' {
				h, _, _ = strings.Cut(h, ".")
			}
			b.WriteString(h)
		case 'w':
			b.WriteString(tildeDir(s.runner.Dir))
		case 'W':
			d := tildeDir(s.runner.Dir)
			if d != "/" && d != "~" {
				d = filepath.Base(d)
			}
			b.WriteString(d)
		case '$':
			if os.Geteuid() == 0 {
				b.WriteByte('#')
			} else {
				b.WriteByte('$')
			}
		case 'n':
			b.WriteByte('\n')
		case 'e':
			b.WriteByte(0x1b)
		case '[', ']':
			// Non-printing markers: the editor skips escape sequences
			// by itself.
		case '\\':
			b.WriteByte('\\')
		default:
			b.WriteByte('\\')
			b.WriteByte(ps[i])
		}
	}
	return b.String()
}

func tildeDir(dir string) string {
	home := os.Getenv("HOME")
	if home != "" && home != "/" && (dir == home || strings.HasPrefix(dir, home+"/")) {
		return "~" + dir[len(home):]
	}
	return dir
}

func firstNonEmpty(a ...string) string {
	for _, s := range a {
		if s != "" {
			return s
		}
	}
	return ""
}

// complete completes commands in command position and paths elsewhere.
func (s *Shell) complete(line string, pos int) (int, []string) {
	return lineedit.CompleteWords(line, pos, s.commandNames, s.runner.Dir)
}

// commandNames lists what can be typed as a command.
func (s *Shell) commandNames() []string {
	seen := map[string]bool{}
	for _, b := range cmds.ShellBuiltins {
		seen[b] = true
	}
	for _, c := range cmds.All() {
		seen[c.Name] = true
	}
	for name := range s.runner.Funcs {
		seen[name] = true
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			seen[e.Name()] = true
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// promptShown tells init that the first prompt is on the screen
// (bootopts.PromptFile): init holds back loading drivers until then (or a
// second), so that the prompt comes first. The file holds the time since
// boot at which the prompt was drawn, in seconds, for pidone.debug's
// account of the boot.
func promptShown(at time.Duration) {
	if os.Getpid() == 1 || os.Getppid() != 1 {
		return // only the shell init started on the console
	}
	os.MkdirAll(filepath.Dir(bootopts.PromptFile), 0o755)
	// Whole or not at all: init reads it as soon as it exists.
	tmp := bootopts.PromptFile + ".new"
	os.WriteFile(tmp, []byte(strconv.FormatFloat(at.Seconds(), 'f', 2, 64)+"\n"), 0o644)
	os.Rename(tmp, bootopts.PromptFile)
}

// bootTime is the time since the kernel started (CLOCK_BOOTTIME).
func bootTime() time.Duration {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts)
	return time.Duration(ts.Nano())
}
