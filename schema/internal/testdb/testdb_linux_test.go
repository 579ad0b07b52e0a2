package testdb

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestSweep(t *testing.T) {
	parent := t.TempDir()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	dirs := map[string]bool{ // name → kept
		fmt.Sprintf("rubric-pg-%d-1", dead.Process.Pid): false,
		fmt.Sprintf("rubric-pg-%d-2", os.Getpid()):      true,
		fmt.Sprintf("rubric-pg-%d-3", os.Getppid()):     true,
		"rubric-pg-x": true,
	}
	for d := range dirs {
		if err := os.MkdirAll(filepath.Join(parent, d, "data"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	// A dead test binary's server still running (here: this process) keeps its directory.
	live := fmt.Sprintf("rubric-pg-%d-4", dead.Process.Pid+1_000_000)
	dirs[live] = true
	os.MkdirAll(filepath.Join(parent, live, "data"), 0o700)
	os.WriteFile(filepath.Join(parent, live, "data", "postmaster.pid"), fmt.Appendf(nil, "%d\n/data\n", os.Getpid()), 0o600)
	sweep(parent)
	for d, kept := range dirs {
		if _, err := os.Stat(filepath.Join(parent, d)); (err == nil) != kept {
			t.Errorf("%s: kept %v, want %v", d, err == nil, kept)
		}
	}
}

// TestHelperProcess is the test binary that TestCleanup interrupts or kills: it starts a
// cluster, prints its directory and server pid, and waits.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("TESTDB_HELPER") != "1" {
		t.Skip("run by TestCleanup")
	}
	StartPostgres(t)
	fmt.Printf("%s %d\n", running.dir, running.cmd.Process.Pid)
	time.Sleep(time.Minute)
}

// TestCleanup checks that nothing is left behind when a test binary is interrupted (Stop
// runs) or killed (the server gets its parent-death signal, the next start sweeps its
// directory).
func TestCleanup(t *testing.T) {
	if testing.Short() || os.Getenv(EnvURL) != "" {
		t.Skip("starts clusters of its own")
	}
	StartPostgres(t) // skips when PostgreSQL is unavailable
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.v")
			cmd.Env = append(os.Environ(), "TESTDB_HELPER=1")
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var dir string
			var pid int
			for sc := bufio.NewScanner(out); sc.Scan(); {
				if _, err := fmt.Sscanf(sc.Text(), "%s %d", &dir, &pid); err == nil && strings.Contains(dir, "rubric-pg-") {
					break
				}
			}
			if pid == 0 {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatal("the helper did not start a cluster")
			}
			cmd.Process.Signal(sig)
			cmd.Wait()
			for deadline := time.Now().Add(10 * time.Second); alive(pid); time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					syscall.Kill(-pid, syscall.SIGKILL)
					t.Fatalf("the server (pid %d) outlived its test binary", pid)
				}
			}
			if sig == syscall.SIGKILL {
				sweep(filepath.Dir(dir))
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				os.RemoveAll(dir)
				t.Errorf("%s was left behind", dir)
			}
		})
	}
}
