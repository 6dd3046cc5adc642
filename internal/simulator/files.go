package simulator

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FilesPrefix is the path under which the simulator serves asset and
// artifact files (the stand-in for Runway's CDN).
const FilesPrefix = "/files/"

// jwtHeader is base64url({"alg":"HS256","typ":"JWT"}), the header of every
// signed URL, as on the real CDN.
var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

type jwtClaims struct {
	IAT int64  `json:"iat"`
	EXP int64  `json:"exp"`
	Sub string `json:"sub"`
}

// baseURL is the scheme and host the client used, so that URLs handed out
// work whatever address the simulator is reached on.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = "127.0.0.1"
	}
	return scheme + "://" + host
}

// signedURL returns the file URL of an asset with a freshly signed _jwt
// (iat = now, exp = now + URLTTL). Every read gets a new one, like the CDN.
func (s *Simulator) signedURL(base, uuid, ext string, now time.Time) string {
	return fmt.Sprintf("%s%s%s.%s?_jwt=%s", base, FilesPrefix, uuid, ext, s.signToken(uuid, now))
}

func (s *Simulator) signToken(uuid string, now time.Time) string {
	claims, _ := json.Marshal(jwtClaims{IAT: now.Unix(), EXP: now.Add(s.urlTTL).Unix(), Sub: uuid})
	unsigned := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(claims)
	return unsigned + "." + base64.RawURLEncoding.EncodeToString(s.mac(unsigned))
}

func (s *Simulator) mac(unsigned string) []byte {
	m := hmac.New(sha256.New, s.signKey)
	m.Write([]byte(unsigned))
	return m.Sum(nil)
}

// verifyToken checks a _jwt for uuid at now; the error says why it is refused.
func (s *Simulator) verifyToken(token, uuid string, now time.Time) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return fmt.Errorf("malformed token")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, s.mac(parts[0]+"."+parts[1])) {
		return fmt.Errorf("bad signature")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return fmt.Errorf("malformed claims")
	}
	var c jwtClaims
	if err := json.Unmarshal(raw, &c); err != nil {
		return fmt.Errorf("malformed claims")
	}
	if c.Sub != uuid {
		return fmt.Errorf("token is for another file")
	}
	if now.Unix() >= c.EXP {
		return fmt.Errorf("token expired")
	}
	return nil
}

// previewCount is how many preview images an asset has: videos two (as the
// artifact fixture shows), images one, audio none.
func previewCount(a *asset) int {
	switch a.mediaType {
	case "video":
		return 2
	case "image":
		return 1
	}
	return 0
}

// previewURLs are unsigned, as in the gateway's artifact example.
func previewURLs(base string, a *asset) []string {
	urls := []string{}
	for i := range previewCount(a) {
		urls = append(urls, fmt.Sprintf("%s%s%s-preview-%d.jpg", base, FilesPrefix, a.uuid, i))
	}
	return urls
}

var (
	previewOnce sync.Once
	previewJPEG []byte
)

// previewImage is a tiny valid JPEG served for every preview URL.
func previewImage() []byte {
	previewOnce.Do(func() {
		img := image.NewGray(image.Rect(0, 0, 64, 38))
		for i := range img.Pix {
			img.Pix[i] = 0x80
		}
		img.SetGray(0, 0, color.Gray{Y: 0})
		var buf bytes.Buffer
		_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 50})
		previewJPEG = buf.Bytes()
	})
	return previewJPEG
}

// serveFile answers GET/HEAD /files/<uuid>.<ext>?_jwt=... with the stored
// bytes (403 for a missing, forged or expired token, 404 for an unknown or
// deleted asset) and /files/<uuid>-preview-<n>.jpg with a small JPEG.
func (s *Simulator) serveFile(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed.")
		return
	}
	name := strings.TrimPrefix(r.URL.Path, FilesPrefix)
	if len(name) < 36 {
		http.NotFound(w, r)
		return
	}
	uuid, rest := name[:36], name[36:]

	s.mu.Lock()
	now := s.now()
	s.advanceLocked(now)
	a := s.assetsByID[uuid]
	s.mu.Unlock()

	if p, ok := strings.CutPrefix(rest, "-preview-"); ok {
		n, err := strconv.Atoi(strings.TrimSuffix(p, ".jpg"))
		if a == nil || !strings.HasSuffix(p, ".jpg") || err != nil || n < 0 || n >= previewCount(a) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		http.ServeContent(w, r, "", a.created, bytes.NewReader(previewImage()))
		return
	}
	if !strings.HasPrefix(rest, ".") {
		http.NotFound(w, r)
		return
	}
	if err := s.verifyToken(r.URL.Query().Get("_jwt"), uuid, now); err != nil {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		_, _ = fmt.Fprintf(w, "Forbidden: %v\n", err) // like writeJSON: a client that went away cannot be told
		return
	}
	if a == nil || rest != "."+a.ext {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("Cache-Control", "private, max-age=3600")
	http.ServeContent(w, r, "", a.created, bytes.NewReader(a.data))
}
