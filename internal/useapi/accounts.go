package useapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// Account is a Runway account configured on useapi.net, as GET /accounts
// and GET /accounts/{email} describe it, without its secrets.
//
// The gateway echoes the account's Runway password and its session JWT in
// these answers. This package drops both while decoding (and never quotes
// such an answer in an error), so that no caller can log, show or store
// them by accident: nothing the provider does needs them.
type Account struct {
	// Email is the Runway account's email, which also names it in task and
	// asset ids.
	Email string
	// MaxJobs is how many tasks the gateway runs at once on the account
	// (1..10); read it with Int64.
	MaxJobs FlexNumber
	// Error is the account's pending error as the gateway words it (for
	// example a wrong password or a suspended account), "" when healthy.
	Error string
}

// UnmarshalJSON keeps only the non-secret fields. error may be a string or
// an object; both are read as text.
func (a *Account) UnmarshalJSON(b []byte) error {
	var raw struct {
		Email   json.RawMessage `json:"email"`
		MaxJobs FlexNumber      `json:"maxJobs"`
		Error   json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*a = Account{Email: lenientString(raw.Email), MaxJobs: raw.MaxJobs, Error: lenientString(raw.Error)}
	return nil
}

// AccountFeatures is the answer of GET /features/: the Runway plan's
// allowances and consumption. Only the credit and storage figures are
// typed; the live answer carries much more (teams, feature flags…), kept
// verbatim in Fields.
type AccountFeatures struct {
	// Permitted is the plan's allowance.
	Permitted PlanAllowance
	// Used is what the plan has consumed.
	Used PlanUsage
	// Fields holds every top-level field of the answer as received,
	// permitted and used included.
	Fields map[string]json.RawMessage
}

// PlanAllowance is the "permitted" object of GET /features/.
type PlanAllowance struct {
	// StorageGB is the plan's storage in gigabytes.
	StorageGB FlexNumber `json:"storageGB"`
	// NumPlanCredits is the plan's credit allowance.
	NumPlanCredits FlexNumber `json:"numPlanCredits"`
}

// PlanUsage is the "used" object of GET /features/.
type PlanUsage struct {
	// NumPlanCredits is how many plan credits have been spent.
	NumPlanCredits FlexNumber `json:"numPlanCredits"`
}

// UnmarshalJSON reads the answer leniently: a permitted or used value of
// an unexpected shape leaves the typed view empty rather than failing the
// whole answer, which is still available in Fields.
func (f *AccountFeatures) UnmarshalJSON(b []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	out := AccountFeatures{Fields: fields}
	if raw := bytes.TrimSpace(fields["permitted"]); len(raw) > 0 && raw[0] == '{' {
		if json.Unmarshal(raw, &out.Permitted) != nil {
			out.Permitted = PlanAllowance{}
		}
	}
	if raw := bytes.TrimSpace(fields["used"]); len(raw) > 0 && raw[0] == '{' {
		if json.Unmarshal(raw, &out.Used) != nil {
			out.Used = PlanUsage{}
		}
	}
	*f = out
	return nil
}

// CreditsPermitted is the plan's credit allowance, if the gateway said.
func (f *AccountFeatures) CreditsPermitted() (int64, bool) { return f.Permitted.NumPlanCredits.Int64() }

// CreditsUsed is how many plan credits have been spent, if the gateway said.
func (f *AccountFeatures) CreditsUsed() (int64, bool) { return f.Used.NumPlanCredits.Int64() }

// CreditsRemaining is the allowance minus what was spent, never below
// zero; false when either figure is missing.
func (f *AccountFeatures) CreditsRemaining() (int64, bool) {
	p, ok1 := f.CreditsPermitted()
	u, ok2 := f.CreditsUsed()
	if !ok1 || !ok2 {
		return 0, false
	}
	return max(p-u, 0), true
}

// accountsWithheld replaces the body in decode errors of the account
// endpoints, whose answers hold the account's password and session token.
const accountsWithheld = "(answer withheld: it holds account credentials)"

// ListAccounts reads GET /accounts: the Runway accounts configured on
// useapi.net, keyed by email. A 404, which is how the gateway says that no
// account is configured, gives an empty map.
func (c *Client) ListAccounts(ctx context.Context) (map[string]Account, error) {
	const path = "/accounts"
	resp, err := c.send(ctx, call{method: http.MethodGet, path: path, idempotent: true})
	if IsNotFound(err) {
		return map[string]Account{}, nil
	}
	if err != nil {
		return nil, err
	}
	b := bytes.TrimSpace(resp.Body)
	if bytes.Equal(b, []byte("null")) {
		return map[string]Account{}, nil
	}
	if len(b) == 0 || b[0] != '{' {
		return nil, accountsDecodeError(path, resp.StatusCode, errors.New("expected a JSON object keyed by email"))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, accountsDecodeError(path, resp.StatusCode, err)
	}
	out := make(map[string]Account, len(raw))
	for key, v := range raw {
		v = bytes.TrimSpace(v)
		if len(v) == 0 || v[0] != '{' {
			return nil, accountsDecodeError(path, resp.StatusCode, errors.New("an account is not a JSON object"))
		}
		var a Account
		if err := json.Unmarshal(v, &a); err != nil {
			return nil, accountsDecodeError(path, resp.StatusCode, err)
		}
		if a.Email == "" {
			a.Email = key
		}
		out[key] = a
	}
	return out, nil
}

// GetAccount reads GET /accounts/{email}. An unknown email is a 404
// *APIError (see IsNotFound).
func (c *Client) GetAccount(ctx context.Context, email string) (*Account, error) {
	seg, err := pathID("email", email)
	if err != nil {
		return nil, err
	}
	path := "/accounts/" + seg
	resp, err := c.send(ctx, call{method: http.MethodGet, path: path, idempotent: true, id: email})
	if err != nil {
		return nil, err
	}
	b := bytes.TrimSpace(resp.Body)
	if len(b) == 0 || b[0] != '{' {
		return nil, accountsDecodeError(path, resp.StatusCode, errors.New("expected a JSON object"))
	}
	var a Account
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, accountsDecodeError(path, resp.StatusCode, err)
	}
	if a.Email == "" {
		a.Email = email
	}
	return &a, nil
}

// GetFeatures reads GET /features/?email=: the plan's credits and storage.
// email selects the Runway account; it may be empty when only one account
// is configured.
func (c *Client) GetFeatures(ctx context.Context, email string) (*AccountFeatures, error) {
	const path = "/features/"
	q := url.Values{}
	if e := strings.TrimSpace(email); e != "" {
		q.Set("email", e)
	}
	resp, err := c.send(ctx, call{method: http.MethodGet, path: path, query: q, idempotent: true, id: email})
	if err != nil {
		return nil, err
	}
	b := bytes.TrimSpace(resp.Body)
	if len(b) == 0 || b[0] != '{' {
		return nil, newDecodeError(http.MethodGet, path, resp.StatusCode, resp.Body, errors.New("expected a JSON object"))
	}
	var f AccountFeatures
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, newDecodeError(http.MethodGet, path, resp.StatusCode, resp.Body, err)
	}
	return &f, nil
}

func accountsDecodeError(path string, status int, err error) *DecodeError {
	return &DecodeError{StatusCode: status, Method: http.MethodGet, Path: path, Snippet: accountsWithheld, Err: err}
}
