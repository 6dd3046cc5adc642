package simulator

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// MaskedPassword is the password the account endpoints echo. The real
// gateway echoes the Runway password itself; the simulator has none, and a
// fixed value lets tests prove that a client never exposes it.
const MaskedPassword = "********"

// accountNotFoundMessage is the gateway's answer for an unknown account.
const accountNotFoundMessage = "Configuration not found. To create configuration use POST /accounts/email"

// sessionLifetime is how long the Runway session JWT the account answers
// carry is valid (informational: the simulator never checks it).
const sessionLifetime = 30 * 24 * time.Hour

// accountJSON is an element of GET /accounts and the answer of
// GET /accounts/{email}.
type accountJSON struct {
	Email    string         `json:"email"`
	Password string         `json:"password"`
	MaxJobs  int            `json:"maxJobs"`
	JWT      accountJWTJSON `json:"jwt"`
}

type accountJWTJSON struct {
	Token string `json:"token"`
	Exp   int64  `json:"exp"`
	IAT   int64  `json:"iat"`
	ID    int    `json:"id"`
}

// accountFeaturesJSON is the answer of GET /features/: the documented
// subset plus an empty teams list standing for the rest of the live answer.
type accountFeaturesJSON struct {
	Permitted planPermittedJSON `json:"permitted"`
	Used      planUsedJSON      `json:"used"`
	Teams     []any             `json:"teams"`
}

type planPermittedJSON struct {
	StorageGB      int `json:"storageGB"`
	NumPlanCredits int `json:"numPlanCredits"`
}

type planUsedJSON struct {
	NumPlanCredits int `json:"numPlanCredits"`
}

// routeAccounts serves the read-only account endpoints; rel is the path
// after APIPrefix. Creating and deleting account configurations is not
// simulated: the accounts are those of Options.
func (s *Simulator) routeAccounts(w http.ResponseWriter, r *http.Request, rel string) {
	if !allowMethod(w, r, http.MethodGet) {
		return
	}
	switch strings.TrimSuffix(rel, "/") {
	case "/accounts":
		s.mu.Lock()
		all := map[string]accountJSON{}
		for _, email := range s.accounts {
			all[email] = s.accountLocked(email)
		}
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, all)
	case "/features":
		s.handleFeatures(w, r)
	default:
		email, ok := s.account(pathID(r, "/accounts/", rel))
		if !ok {
			writeError(w, http.StatusNotFound, accountNotFoundMessage)
			return
		}
		s.mu.Lock()
		a := s.accountLocked(email)
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, a)
	}
}

// handleFeatures answers GET /features/?email=: the plan's permitted and
// used credits. Used credits are the sum of what every create charged
// (see TaskCost), unless a test set them with SetCredits.
func (s *Simulator) handleFeatures(w http.ResponseWriter, r *http.Request) {
	if _, status, msg := s.accountParam(r.URL.Query()); msg != "" {
		writeError(w, status, msg)
		return
	}
	s.mu.Lock()
	body := accountFeaturesJSON{
		Permitted: planPermittedJSON{StorageGB: storageGB, NumPlanCredits: s.permitted},
		Used:      planUsedJSON{NumPlanCredits: s.used},
		Teams:     []any{},
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

// accountLocked renders a configured account with a session JWT issued
// at the start of the current day, so that repeated reads agree.
func (s *Simulator) accountLocked(email string) accountJSON {
	iat := s.now().UTC().Truncate(24 * time.Hour)
	exp := iat.Add(sessionLifetime)
	claims, _ := json.Marshal(map[string]any{"id": s.userID, "email": email, "iat": iat.Unix(), "exp": exp.Unix()})
	unsigned := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(claims)
	token := unsigned + "." + base64.RawURLEncoding.EncodeToString(s.mac(unsigned))
	return accountJSON{
		Email:    email,
		Password: MaskedPassword,
		MaxJobs:  s.maxJobs,
		JWT:      accountJWTJSON{Token: token, Exp: exp.Unix(), IAT: iat.Unix(), ID: s.userID},
	}
}

// SessionToken returns the session JWT the account endpoints echo, so that
// tests can prove a client never exposes it.
func (s *Simulator) SessionToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accountLocked(s.email).JWT.Token
}
