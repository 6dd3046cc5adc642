package bench

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// Modes of the test binary when it re-executes itself: as the provider
// wrapper, or as a stand-in provider that touches childAllocMiB of memory
// and exits with childExitCode.
const (
	envTestMode   = "RUNWAY_BENCH_TEST_MODE"
	childAllocMiB = 64
	childExitCode = 3
)

func TestMain(m *testing.M) {
	switch os.Getenv(envTestMode) {
	case "wrapper":
		if err := os.Setenv(envTestMode, "child"); err != nil {
			os.Exit(101)
		}
		os.Exit(RunProviderWrapper())
	case "child":
		buf := make([]byte, childAllocMiB<<20)
		for i := range buf {
			buf[i] = byte(i)
		}
		if len(os.Args) != 3 || os.Args[1] != "-x" || os.Args[2] != "y" {
			os.Exit(100)
		}
		runtime.KeepAlive(buf)
		os.Exit(childExitCode)
	}
	os.Exit(m.Run())
}

// TestRunProviderWrapper runs the test binary as the wrapper around itself
// as a stand-in provider: arguments and exit code pass through, and the
// child's peak RSS (at least what it touched) and CPU land in the log.
func TestRunProviderWrapper(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(t.TempDir(), "rss.log")
	for i := 1; i <= 2; i++ {
		cmd := exec.Command(self, "-x", "y")
		cmd.Env = append(os.Environ(), envTestMode+"=wrapper", envRealProvider+"="+self, envRSSLog+"="+log)
		out, err := cmd.CombinedOutput()
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || exitErr.ExitCode() != childExitCode {
			t.Fatalf("run %d: wrapper ended with %v, want exit code %d; output:\n%s", i, err, childExitCode, out)
		}
		u, err := readRSSLog(log)
		if err != nil {
			t.Fatal(err)
		}
		if u.processes != i {
			t.Fatalf("after run %d the log holds %d processes", i, u.processes)
		}
		if u.peakRSS < childAllocMiB<<20 {
			t.Errorf("peak RSS %d bytes, want at least the %d MiB the child touched", u.peakRSS, childAllocMiB)
		}
		if u.cpu <= 0 {
			t.Errorf("CPU time %s, want > 0", u.cpu)
		}
	}
}

func TestIsWrapperInvocation(t *testing.T) {
	tests := []struct {
		arg0, real string
		want       bool
	}{
		{"/mirror/registry.terraform.io/tfrunway/runway/0.0.1/linux_amd64/terraform-provider-runway_v0.0.1", "/bin/provider", true},
		{"terraform-provider-runway", "/bin/provider", true},
		{"/mirror/terraform-provider-runway_v0.0.1", "", false},
		{"/usr/local/bin/runway-bench", "/bin/provider", false},
	}
	for _, tt := range tests {
		if got := isWrapperInvocation(tt.arg0, tt.real); got != tt.want {
			t.Errorf("isWrapperInvocation(%q, %q) = %t, want %t", tt.arg0, tt.real, got, tt.want)
		}
	}
}

func TestReadRSSLog(t *testing.T) {
	tests := []struct {
		name    string
		content *string
		want    providerUsage
		wantErr bool
	}{
		{"no log: no provider ran", nil, providerUsage{}, false},
		{"empty", ptr(""), providerUsage{}, false},
		{"largest peak, summed CPU", ptr("10 2048 1500\n11 4096 500\n12 1024 0\n"),
			providerUsage{peakRSS: 4096, cpu: 2 * time.Millisecond, processes: 3}, false},
		{"garbage", ptr("10 lots\n"), providerUsage{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "rss.log")
			if tt.content != nil {
				if err := os.WriteFile(path, []byte(*tt.content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := readRSSLog(path)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %t", err, tt.wantErr)
			}
			if !tt.wantErr && got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func ptr(s string) *string { return &s }
