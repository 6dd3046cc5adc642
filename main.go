// Command terraform-provider-runway is a Terraform provider for Runway video
// generation through the useapi.net and Apikley gateways.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/tfrunway/terraform-provider-runway/internal/provider"
)

// version is set by the release build (goreleaser: -X main.version=...).
var version = "dev"

// Provider documentation generation.
//go:generate go tool tfplugindocs generate --provider-name runway

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	opts := providerserver.ServeOpts{
		Address: "registry.terraform.io/tfrunway/runway",
		Debug:   debug,
	}
	if err := providerserver.Serve(context.Background(), provider.New(version), opts); err != nil {
		log.Fatal(err.Error())
	}
}
