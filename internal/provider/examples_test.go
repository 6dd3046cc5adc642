package provider

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestExamplesValidate runs `terraform validate` on every example the docs
// show (examples/, rendered into docs/ by `make generate`) against the
// provider built from this tree, so that an example using an argument the
// schema does not have, or missing a required one, fails here instead of in
// a reader's hands. The provider is installed through a development
// override, which needs no `terraform init`.
func TestExamplesValidate(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC is not set: this test drives the terraform CLI (make testacc sets it)")
	}
	root, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, pattern := range []string{"resources/*", "data-sources/*", "provider", "demo"} {
		matches, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, matches...)
	}
	if len(dirs) < 20 {
		t.Fatalf("found %d example directories under %s; expected every resource's and data source's", len(dirs), root)
	}

	// A development override names a directory holding
	// terraform-provider-runway.
	overrideDir := t.TempDir()
	if err := os.Symlink(builtProvider(t), filepath.Join(overrideDir, "terraform-provider-runway")); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(t.TempDir(), "terraformrc")
	writeFile(t, rc, `provider_installation {
  dev_overrides {
    "registry.terraform.io/tfrunway/runway" = "`+overrideDir+`"
  }
  direct {}
}
`)
	env := append(cleanTerraformEnv(), "TF_CLI_CONFIG_FILE="+rc)
	tf := terraformBinary(t)

	for _, dir := range dirs {
		name, _ := filepath.Rel(root, dir)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			work := t.TempDir()
			files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
			if len(files) == 0 {
				t.Fatalf("%s has no .tf file", dir)
			}
			declared := false
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				declared = declared || strings.Contains(string(b), "required_providers")
				writeFile(t, filepath.Join(work, filepath.Base(f)), string(b))
			}
			if !declared {
				// The registry's examples leave out the provider source;
				// without it Terraform would look for hashicorp/runway.
				writeFile(t, filepath.Join(work, "zz_required_providers.tf"),
					"terraform {\n  required_providers {\n    runway = { source = \"tfrunway/runway\" }\n  }\n}\n")
			}
			cmd := exec.Command(tf, "validate", "-json", "-no-color")
			cmd.Dir, cmd.Env = work, env
			out, _ := cmd.Output() // the verdict is in the JSON, whatever the exit code
			var verdict struct {
				Valid       bool `json:"valid"`
				Diagnostics []struct {
					Severity string `json:"severity"`
					Summary  string `json:"summary"`
					Detail   string `json:"detail"`
				} `json:"diagnostics"`
			}
			if err := json.Unmarshal(out, &verdict); err != nil {
				t.Fatalf("terraform validate answered no JSON (%v):\n%s", err, out)
			}
			for _, d := range verdict.Diagnostics {
				if d.Summary == "Provider development overrides are in effect" {
					continue
				}
				t.Errorf("%s: %s: %s", d.Severity, d.Summary, d.Detail)
			}
			if !verdict.Valid {
				t.Errorf("terraform validate: the example is not valid")
			}
		})
	}
}
