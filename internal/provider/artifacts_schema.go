package provider

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The `artifacts` list is the same object on the generation resources and
// on the runway_task data source. The framework gives resources and data
// sources distinct attribute types, so the data source's nested attribute is
// built through a computedAttributes; the resources' is a list of objects
// (see artifactsResourceAttribute).

// artifactAttrTypes is the element type of the `artifacts` list.
var artifactAttrTypes = map[string]attr.Type{
	"asset_id":     types.StringType,
	"id":           types.StringType,
	"url":          types.StringType,
	"preview_urls": types.ListType{ElemType: types.StringType},
	"filename":     types.StringType,
	"file_size":    types.Int64Type,
	"duration":     types.Float64Type,
	"width":        types.Int64Type,
	"height":       types.Int64Type,
	"frame_rate":   types.Float64Type,
	"created_at":   types.StringType,
}

var artifactObjectType = types.ObjectType{AttrTypes: artifactAttrTypes}

// artifactAttributeDescriptions documents the artifact object's fields.
var artifactAttributeDescriptions = map[string]string{
	"asset_id":     "Asset id of the artifact: usable directly as the input asset of the next generation.",
	"id":           "Artifact UUID.",
	"url":          "Signed download URL. The gateway signs a new URL on every read; the provider keeps the URL in state while it is valid and replaces it shortly before it expires.",
	"preview_urls": "Preview image URLs.",
	"filename":     "File name given by Runway.",
	"file_size":    "Size in bytes.",
	"duration":     "Duration in seconds.",
	"width":        "Width in pixels.",
	"height":       "Height in pixels.",
	"frame_rate":   "Frames per second.",
	"created_at":   "Creation time reported by the gateway.",
}

const artifactsDescription = "The generated files, once the task has succeeded."

// computedAttributes builds computed attributes of one schema package (A is
// its attribute type).
type computedAttributes[A any] interface {
	stringAttr(description string) A
	int64Attr(description string) A
	float64Attr(description string) A
	stringListAttr(description string) A
}

// artifactFields are the artifact object's attributes.
func artifactFields[A any](c computedAttributes[A]) map[string]A {
	out := make(map[string]A, len(artifactAttrTypes))
	for name, t := range artifactAttrTypes {
		d := artifactAttributeDescriptions[name]
		switch t {
		case types.StringType:
			out[name] = c.stringAttr(d)
		case types.Int64Type:
			out[name] = c.int64Attr(d)
		case types.Float64Type:
			out[name] = c.float64Attr(d)
		default:
			out[name] = c.stringListAttr(d)
		}
	}
	return out
}

// dataSourceComputed builds data source schema attributes.
type dataSourceComputed struct{}

func (dataSourceComputed) stringAttr(d string) dschema.Attribute {
	return dschema.StringAttribute{Computed: true, MarkdownDescription: d}
}

func (dataSourceComputed) int64Attr(d string) dschema.Attribute {
	return dschema.Int64Attribute{Computed: true, MarkdownDescription: d}
}

func (dataSourceComputed) float64Attr(d string) dschema.Attribute {
	return dschema.Float64Attribute{Computed: true, MarkdownDescription: d}
}

func (dataSourceComputed) stringListAttr(d string) dschema.Attribute {
	return dschema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: d}
}

// artifactsResourceAttribute is `artifacts` on a generation resource: a
// list of objects rather than a nested attribute. Terraform sees the same
// type (and the same state), but the framework resolves a path inside a
// nested attribute through the schema, copying the resource's attribute map
// at every step of every value it walks (several walks per resource and
// request), while a path inside an object type is one map look-up. Nested
// attributes would make the artifacts half of a refresh's CPU. The fields
// are documented in the description instead.
func artifactsResourceAttribute() rschema.ListAttribute {
	return rschema.ListAttribute{
		MarkdownDescription: artifactsFieldsDescription(),
		Computed:            true,
		ElementType:         artifactObjectType,
	}
}

// artifactsFieldsDescription is artifactsDescription followed by the
// fields of an artifact.
func artifactsFieldsDescription() string {
	names := make([]string, 0, len(artifactAttributeDescriptions))
	for name := range artifactAttributeDescriptions {
		names = append(names, name)
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteString(artifactsDescription + " Each artifact has:")
	for _, name := range names {
		fmt.Fprintf(&b, " `%s`: %s", name, artifactAttributeDescriptions[name])
	}
	return b.String()
}

// artifactsDataSourceAttribute is `artifacts` on the runway_task data source.
func artifactsDataSourceAttribute() dschema.ListNestedAttribute {
	return dschema.ListNestedAttribute{
		MarkdownDescription: artifactsDescription,
		Computed:            true,
		NestedObject:        dschema.NestedAttributeObject{Attributes: artifactFields[dschema.Attribute](dataSourceComputed{})},
	}
}
