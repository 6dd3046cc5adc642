// Command terraform-provider-runway is a Terraform provider for Runway video
// generation through the useapi.net and Apikley gateways.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/tfrunway/terraform-provider-runway/internal/provider"
)

// version is set by the release build (goreleaser: -X main.version=...).
var version = "dev"

// stopProfile flushes the CPU and heap profiles of a build with -tags cpuprofile
// (cpuprofile.go); it does nothing otherwise.
var stopProfile = func() {}

// Provider documentation generation.
//go:generate go tool tfplugindocs generate --provider-name runway

func main() {
	quietLogsUnlessAsked()
	tuneGC()

	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	opts := providerserver.ServeOpts{
		Address: "registry.terraform.io/tfrunway/runway",
		Debug:   debug,
	}
	err := providerserver.Serve(context.Background(), provider.New(version), opts)
	stopProfile()
	if err != nil {
		log.Fatal(err.Error())
	}
}

// quietLogsUnlessAsked turns the plugin SDK's logs off when the user asked for
// no logs. terraform-plugin-log otherwise defaults to TRACE and writes a JSON
// line for every step of every RPC, which Terraform parses and discards: a
// third of the provider's CPU in a plan of hundreds of resources. Any TF_LOG*
// variable (which Terraform passes on to the provider) keeps the defaults.
func quietLogsUnlessAsked() {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_LOG") {
			return
		}
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO", "TF_LOG_PROVIDER"} {
		_ = os.Setenv(name, "off")
	}
}
