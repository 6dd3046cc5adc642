package useapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tfrunway/terraform-provider-runway/internal/transport"
)

// DefaultEndpoint is the gateway's Runway API base URL.
const DefaultEndpoint = "https://api.useapi.net/v1/runwayml"

// Config configures a Client. Only Token is needed in practice.
type Config struct {
	// Endpoint defaults to DefaultEndpoint; a trailing slash is tolerated.
	// It must be https://, or http:// on a loopback host (the simulator).
	Endpoint string
	// Token is the useapi.net API token, sent as a Bearer token and never
	// logged. An empty token is accepted here; calls then fail with
	// ErrMissingToken.
	Token string
	// Config is the HTTP side (client, user agent, logger, retries, waits),
	// as for every gateway client. Sleep also paces polling unless
	// WaitOptions.Sleep is set.
	transport.Config
}

// Client talks to useapi.net's Runway API. It is safe for concurrent use.
type Client struct {
	base   string // endpoint without trailing slash
	token  string
	tr     *transport.Client
	log    transport.Logger
	hasTok bool
}

// NewClient validates the configuration and builds a Client.
func NewClient(cfg Config) (*Client, error) {
	ep := strings.TrimSpace(cfg.Endpoint)
	if ep == "" {
		ep = DefaultEndpoint
	}
	u, err := transport.ValidateEndpoint(ep)
	if err != nil {
		return nil, fmt.Errorf("useapi: %w", err)
	}
	tok := strings.TrimSpace(cfg.Token)
	for _, r := range tok {
		if r < 0x21 || r == 0x7f {
			return nil, errors.New("useapi: the API token contains spaces or control characters; check api_token / USEAPI_TOKEN")
		}
	}
	tr := transport.New(cfg.Config)
	return &Client{
		base:   strings.TrimRight(u.String(), "/"),
		token:  tok,
		tr:     tr,
		log:    cfg.Logger,
		hasTok: tok != "",
	}, nil
}

// Endpoint returns the base URL in use, without a trailing slash.
func (c *Client) Endpoint() string { return c.base }

// HasToken reports whether a token was configured, so the provider can
// raise a configuration error before planning useapi resources.
func (c *Client) HasToken() bool { return c.hasTok }

// call describes one gateway request.
type call struct {
	method      string
	path        string // relative to the endpoint, already escaped
	query       url.Values
	body        []byte
	bodyReader  func() (io.Reader, int64, error)
	contentType string
	idempotent  bool
	id          string // the task/asset id addressed, for errors
}

// send performs the call and turns non-2xx answers into *APIError. When
// such an answer to a non-idempotent call (a create, an upload) does not
// prove a refusal (transport.CreateOutcomeUnknown: a 408 or 5xx, which a
// proxy can send after the gateway acted), its *APIError is wrapped in a
// *transport.OutcomeUnknownError: errors.As still finds the status and the
// gateway's message, and the caller sees the one unknown-outcome type.
func (c *Client) send(ctx context.Context, k call) (*transport.Response, error) {
	if !c.hasTok {
		return nil, ErrMissingToken
	}
	u := c.base + k.path
	if len(k.query) > 0 {
		u += "?" + k.query.Encode()
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+c.token)
	h.Set("Accept", "application/json")
	resp, err := c.tr.Do(ctx, transport.Request{
		Method:      k.method,
		URL:         u,
		Header:      h,
		Body:        k.body,
		BodyReader:  k.bodyReader,
		ContentType: k.contentType,
		Idempotent:  k.idempotent,
	})
	if err != nil {
		return nil, fmt.Errorf("useapi: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		ae := newAPIError(k.method, k.path, k.id, resp.StatusCode, resp.Header, resp.Body)
		if !k.idempotent && transport.CreateOutcomeUnknown(resp.StatusCode) {
			return resp, outcomeUnknown(k.method, k.path, resp.StatusCode, ae)
		}
		return resp, ae
	}
	return resp, nil
}

// outcomeUnknown reports a non-idempotent call whose answer arrived but
// does not settle whether it took effect; cause (an *APIError or a
// *DecodeError) describes the answer.
func outcomeUnknown(method, path string, status int, cause error) error {
	return fmt.Errorf("useapi: %w", &transport.OutcomeUnknownError{Method: method, URL: path, StatusCode: status, Err: cause})
}

// pathID escapes an opaque id for use as one path segment. Task and asset
// ids contain ':' and '@', which are legal in a segment; '/', '?', '#' and
// the like are escaped. Empty, "." and ".." are refused because they would
// address a different resource (the list endpoint or a parent path).
func pathID(kind, id string) (string, error) {
	if strings.TrimSpace(id) == "" {
		return "", invalid(kind, "is empty")
	}
	if id == "." || id == ".." {
		return "", invalid(kind, "%q is not a valid id", id)
	}
	return url.PathEscape(id), nil
}

// CreateGen2Extend submits POST /gen2/extend. See create for the retry
// and error contract.
func (c *Client) CreateGen2Extend(ctx context.Context, r *Gen2ExtendRequest) (*Task, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return c.create(ctx, "/gen2/extend", r)
}

// CreateGen3Video submits POST /gen3/video.
func (c *Client) CreateGen3Video(ctx context.Context, r *Gen3VideoRequest) (*Task, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return c.create(ctx, "/gen3/video", r)
}

// CreateGen3TurboExpand submits POST /gen3turbo/expand.
func (c *Client) CreateGen3TurboExpand(ctx context.Context, r *Gen3TurboExpandRequest) (*Task, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return c.create(ctx, "/gen3turbo/expand", r)
}

// create posts a paid generation. It is resubmitted only after 429 (the
// gateway created nothing) or a refused connection, waiting for capacity
// until ctx ends; when the outcome is unknown (connection lost after
// sending, a 408 or 5xx, or a 2xx answer without a readable taskId) the error is,
// or wraps, a *transport.OutcomeUnknownError (IsOutcomeUnknown) and nothing
// is resent.
func (c *Client) create(ctx context.Context, path string, req any) (*Task, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("useapi: encoding the request: %w", err)
	}
	resp, err := c.send(ctx, call{method: http.MethodPost, path: path, body: body, contentType: "application/json"})
	if err != nil {
		return nil, err
	}
	t, derr := decodeTask(http.MethodPost, path, resp)
	if derr == nil && t.TaskID == "" {
		derr = newDecodeError(http.MethodPost, path, resp.StatusCode, resp.Body, errors.New("the answer has no taskId"))
	}
	if derr != nil {
		return nil, outcomeUnknown(http.MethodPost, path, resp.StatusCode, derr)
	}
	return t, nil
}

// decodeTask reads a task answer; anything but a JSON object is a
// *DecodeError.
func decodeTask(method, path string, resp *transport.Response) (*Task, error) {
	b := bytes.TrimSpace(resp.Body)
	if len(b) == 0 || b[0] != '{' {
		return nil, newDecodeError(method, path, resp.StatusCode, resp.Body, errors.New("expected a JSON object"))
	}
	var t Task
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, newDecodeError(method, path, resp.StatusCode, resp.Body, err)
	}
	return &t, nil
}

// GetTask reads GET /tasks/{taskId}. Retried on transient failures.
func (c *Client) GetTask(ctx context.Context, taskID string) (*Task, error) {
	seg, err := pathID("taskId", taskID)
	if err != nil {
		return nil, err
	}
	path := "/tasks/" + seg
	resp, err := c.send(ctx, call{method: http.MethodGet, path: path, idempotent: true, id: taskID})
	if err != nil {
		return nil, err
	}
	t, err := decodeTask(http.MethodGet, path, resp)
	if err != nil {
		return nil, err
	}
	if t.TaskID == "" {
		t.TaskID = taskID
	}
	return t, nil
}

// DeleteTask removes a task from the account's history (DELETE
// /tasks/{taskId}). It does not stop a running generation: the gateway has
// no cancel. A 404 is returned as an error; callers that treat "already
// gone" as success check IsNotFound.
func (c *Client) DeleteTask(ctx context.Context, taskID string) error {
	seg, err := pathID("taskId", taskID)
	if err != nil {
		return err
	}
	return c.delete(ctx, "/tasks/"+seg, taskID)
}

// DeleteAsset deletes an asset (DELETE /assets/{assetId}); see DeleteTask
// for 404 handling.
func (c *Client) DeleteAsset(ctx context.Context, assetID string) error {
	seg, err := pathID("assetId", assetID)
	if err != nil {
		return err
	}
	return c.delete(ctx, "/assets/"+seg, assetID)
}

// delete accepts 200 or 204, with or without the documented
// {success, error, code} body; success:false inside a 2xx is an error.
func (c *Client) delete(ctx context.Context, path, id string) error {
	resp, err := c.send(ctx, call{method: http.MethodDelete, path: path, idempotent: true, id: id})
	if err != nil {
		return err
	}
	// The 2xx status is the answer; only the documented envelope can
	// overrule it. A body that is not a JSON object (empty, "OK", cut short)
	// says nothing against the status, and failing the delete over it would
	// only make Terraform retry a delete that already happened.
	env, isObject := jsonObject(resp.Body)
	if !isObject {
		return nil
	}
	if ok := lenientBool(env["success"]); ok != nil && !*ok {
		e := newAPIError(http.MethodDelete, path, id, resp.StatusCode, resp.Header, resp.Body)
		if e.Code >= 400 {
			e.StatusCode = e.Code
		}
		if e.Message == "" {
			e.Message = "the gateway answered success: false"
		}
		return e
	}
	return nil
}

// maxAssetPage is the gateway's largest page; maxAssetOffset its largest
// offset.
const (
	maxAssetPage   = 50
	maxAssetOffset = 1000
)

// ListAssets reads one page of GET /assets/. A zero Limit means the
// largest page (50); the gateway requires offset 0..1000 and limit 1..50,
// which are checked here to fail before a round trip.
func (c *Client) ListAssets(ctx context.Context, p ListAssetsParams) ([]Asset, error) {
	if p.Limit == 0 {
		p.Limit = maxAssetPage
	}
	if p.Offset < 0 || p.Offset > maxAssetOffset {
		return nil, invalid("offset", "must be between 0 and %d, got %d", maxAssetOffset, p.Offset)
	}
	if p.Limit < 1 || p.Limit > maxAssetPage {
		return nil, invalid("limit", "must be between 1 and %d, got %d", maxAssetPage, p.Limit)
	}
	switch p.MediaType {
	case "", "video", "image", "audio":
	default:
		return nil, invalid("mediaType", "must be video, image or audio, got %q", p.MediaType)
	}
	q := url.Values{}
	q.Set("offset", strconv.Itoa(p.Offset))
	q.Set("limit", strconv.Itoa(p.Limit))
	if p.MediaType != "" {
		q.Set("mediaType", p.MediaType)
	}
	if p.Email != "" {
		q.Set("email", p.Email)
	}
	const path = "/assets/"
	resp, err := c.send(ctx, call{method: http.MethodGet, path: path, query: q, idempotent: true})
	if err != nil {
		return nil, err
	}
	b := bytes.TrimSpace(resp.Body)
	if bytes.Equal(b, []byte("null")) {
		return []Asset{}, nil
	}
	if len(b) == 0 || b[0] != '[' {
		return nil, newDecodeError(http.MethodGet, path, resp.StatusCode, resp.Body, errors.New("expected a JSON array"))
	}
	var out []Asset
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, newDecodeError(http.MethodGet, path, resp.StatusCode, resp.Body, err)
	}
	return out, nil
}

// jsonObject decodes b as a JSON object, reporting false for anything else.
func jsonObject(b []byte) (map[string]json.RawMessage, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil, false
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(b, &obj) != nil {
		return nil, false
	}
	return obj, true
}

// ListAllAssets pages through GET /assets/ (pages of 50) of the account
// email names ("" for the only account: the gateway requires email once
// several accounts are configured) until a short
// page, the gateway's offset limit (1000), or maxAssets assets (maxAssets
// <= 0 means all the gateway will list). Assets repeated across pages,
// which happens when an upload shifts the listing while paging, are kept
// once.
func (c *Client) ListAllAssets(ctx context.Context, mediaType, email string, maxAssets int) ([]Asset, error) {
	out := []Asset{}
	seen := map[string]bool{}
	for offset := 0; offset <= maxAssetOffset; {
		limit := maxAssetPage
		if maxAssets > 0 && maxAssets-len(out) < limit {
			limit = maxAssets - len(out)
		}
		page, err := c.ListAssets(ctx, ListAssetsParams{Offset: offset, Limit: limit, MediaType: mediaType, Email: email})
		if err != nil {
			return nil, err
		}
		for _, a := range page {
			key := a.AssetID
			if key == "" {
				key = a.ID
			}
			if key != "" && seen[key] {
				continue
			}
			if key != "" {
				seen[key] = true
			}
			out = append(out, a)
			if maxAssets > 0 && len(out) >= maxAssets {
				return out, nil
			}
		}
		if len(page) < limit {
			break
		}
		offset += len(page)
	}
	return out, nil
}

// GetAsset reads GET /assets/{assetId}.
func (c *Client) GetAsset(ctx context.Context, assetID string) (*Asset, error) {
	seg, err := pathID("assetId", assetID)
	if err != nil {
		return nil, err
	}
	path := "/assets/" + seg
	resp, err := c.send(ctx, call{method: http.MethodGet, path: path, idempotent: true, id: assetID})
	if err != nil {
		return nil, err
	}
	b := bytes.TrimSpace(resp.Body)
	if len(b) == 0 || b[0] != '{' {
		return nil, newDecodeError(http.MethodGet, path, resp.StatusCode, resp.Body, errors.New("expected a JSON object"))
	}
	var a Asset
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, newDecodeError(http.MethodGet, path, resp.StatusCode, resp.Body, err)
	}
	if a.AssetID == "" {
		a.AssetID = assetID
	}
	return &a, nil
}

// UploadAsset uploads a file as the raw body of POST /assets/ with the
// file's Content-Type. open is called once per attempt and must return a
// fresh reader positioned at the start and its size (-1 if unknown); the
// file is streamed, never buffered whole. Like a create, the upload is
// resubmitted only after 429 or a refused connection; an unknown outcome
// (as for a create) is a *transport.OutcomeUnknownError (IsOutcomeUnknown).
func (c *Client) UploadAsset(ctx context.Context, p UploadAssetParams, open func() (io.Reader, int64, error)) (*UploadedAsset, error) {
	if strings.TrimSpace(p.Name) == "" {
		return nil, invalid("name", "is required")
	}
	ct, _, ok := CanonicalContentType(p.ContentType)
	if !ok {
		return nil, invalid("Content-Type", "%q is not accepted by the gateway (accepted: video/mp4, video/quicktime, image/png, image/jpeg, audio/mpeg, … see AcceptedContentTypes)", p.ContentType)
	}
	if open == nil {
		return nil, invalid("body", "no file to upload")
	}
	q := url.Values{}
	q.Set("name", p.Name)
	if p.Duration != nil {
		if math.IsNaN(*p.Duration) || math.IsInf(*p.Duration, 0) || *p.Duration <= 0 {
			return nil, invalid("duration", "must be a positive number of seconds")
		}
		q.Set("duration", strconv.FormatFloat(*p.Duration, 'f', -1, 64))
	}
	if p.Width != nil {
		if *p.Width <= 0 {
			return nil, invalid("width", "must be positive")
		}
		q.Set("width", strconv.FormatInt(*p.Width, 10))
	}
	if p.Height != nil {
		if *p.Height <= 0 {
			return nil, invalid("height", "must be positive")
		}
		q.Set("height", strconv.FormatInt(*p.Height, 10))
	}
	if p.Email != "" {
		q.Set("email", p.Email)
	}
	const path = "/assets/"
	resp, err := c.send(ctx, call{method: http.MethodPost, path: path, query: q, bodyReader: open, contentType: ct})
	if err != nil {
		return nil, err
	}
	var derr error
	var a UploadedAsset
	b := bytes.TrimSpace(resp.Body)
	switch {
	case len(b) == 0 || b[0] != '{':
		derr = newDecodeError(http.MethodPost, path, resp.StatusCode, resp.Body, errors.New("expected a JSON object"))
	default:
		if err := json.Unmarshal(b, &a); err != nil {
			derr = newDecodeError(http.MethodPost, path, resp.StatusCode, resp.Body, err)
		} else if a.AssetID == "" {
			derr = newDecodeError(http.MethodPost, path, resp.StatusCode, resp.Body, errors.New("the answer has no assetId"))
		}
	}
	if derr != nil {
		return nil, outcomeUnknown(http.MethodPost, path, resp.StatusCode, derr)
	}
	return &a, nil
}

func (c *Client) logf(ctx context.Context, level, msg string, fields map[string]any) {
	if c.log != nil {
		c.log.Log(ctx, level, msg, fields)
	}
}
