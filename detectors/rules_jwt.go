package detectors

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// jwtRules cover JSON Web Tokens. Most JWTs in repositories are expired session tokens from
// test fixtures, tutorials and HAR files, or public keys by design
// (Supabase and Firebase "anon" keys ship in browser bundles).
// Reporting every "eyJ…" is the noise users turn scanners off for.
// A JWT is worth a finding when it is a long-lived credential: a
// Supabase service_role key (bypasses row-level security), or a
// signed token with no expiry (or a lifetime of months) that
// carries authority — a role, scopes or permissions.
func jwtRules() []Rule {
	return []Rule{
		{
			ID:        "supabase-service-role-key",
			Title:     "Supabase service_role key",
			Severity:  High,
			Service:   "supabase",
			Name:      "Supabase",
			Kind:      KindSaaS,
			AdviceURL: "https://supabase.com/dashboard",
			Keywords:  []string{"eyj"},
			Pattern:   jwtPat,
			Validate:  validateSupabase,
			Advice:    "Roll the project's JWT secret or API keys in the Supabase dashboard (Project settings → API) now: this key bypasses row-level security and reads and writes every table. Then review the database logs.",
			Examples: []string{
				"SUPABASE_SERVICE_ROLE_KEY=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InFrdndocnR6cGxtZXhvbmJqZHNhIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTcyMTM4NDQ1NywiZXhwIjoyMDM2OTYwNDU3fQ.4v0brctMx2oTUxlx4c88bWMfxhMghho3hRwqVg7Z6wZ\n",
				`const supabase = createClient("https://qkvwhrtzplmexonbjdsa.supabase.co", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InFrdndocnR6cGxtZXhvbmJqZHNhIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTcyMTM4NDQ1NywiZXhwIjoyMDM2OTYwNDU3fQ.4v0brctMx2oTUxlx4c88bWMfxhMghho3hRwqVg7Z6wZ")`,
			},
			Negatives: []string{
				"SUPABASE_SERVICE_ROLE_KEY=your-service-role-key\n",
				"SUPABASE_SERVICE_ROLE_KEY=${SUPABASE_SERVICE_ROLE_KEY}\n",
				"createClient(process.env.SUPABASE_URL, process.env.SUPABASE_SERVICE_ROLE_KEY)\n",
				// The anon key is public by design.
				"NEXT_PUBLIC_SUPABASE_ANON_KEY=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InFrdndocnR6cGxtZXhvbmJqZHNhIiwicm9sZSI6ImFub24iLCJpYXQiOjE3MjEzODQ0NTcsImV4cCI6MjAzNjk2MDQ1N30.oCGtAIIx9J7Zds6KhHpjXa7I4Q-15qYXO4kKXmwBdui\n",
			},
		},
		{
			ID:       "jwt-long-lived",
			Title:    "Long-lived JWT carrying a role or scopes",
			Severity: Medium,
			Service:  "jwt",
			Name:     "JSON Web Token",
			Kind:     KindGeneric,
			Keywords: []string{"eyj"},
			Pattern:  jwtPat,
			Validate: validateJWT,
			Advice:   "Find the issuer (the token's iss claim) and revoke the token or rotate the signing key there; a token without expiry stays valid until its key changes.",
			Examples: []string{
				"API_TOKEN=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtYmlsbGluZy1leHBvcnQiLCJyb2xlIjoiYWRtaW4iLCJzY29wZSI6Imludm9pY2VzOndyaXRlIHBheW1lbnRzOnJlYWQiLCJpYXQiOjE3MTY5MTIwMDB9.x8I5BpIMHg45_LBPftAbkNc3DMTr0RtJcEBAsMeA0LM\n",
				`curl -H "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtYmlsbGluZy1leHBvcnQiLCJyb2xlIjoiYWRtaW4iLCJzY29wZSI6Imludm9pY2VzOndyaXRlIHBheW1lbnRzOnJlYWQiLCJpYXQiOjE3MTY5MTIwMDB9.x8I5BpIMHg45_LBPftAbkNc3DMTr0RtJcEBAsMeA0LM" https://billing.internal/api/export`,
				// Claims named outside the RFCs: "Roles" (a shipping API's
				// token in a production .env), and ASP.NET's role URI.
				"SHIPPING_API_TOKEN=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJVc2VySWQiOjQ4MjEzLCJVc2VyTmFtZSI6InNob3Atb3BzIiwiUm9sZXMiOiJBRE1JTixTSElQUEVSIiwiSXNzdWVkQXQiOiIyMDIxLTAzLTAyIn0.tQ3xV8kLm2Rz7Pw1Hn5Yc9Bd4Fg6Js0Ua2Ke8Ov3Xi7\n",
				`"ErpToken": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJodHRwOi8vc2NoZW1hcy5taWNyb3NvZnQuY29tL3dzLzIwMDgvMDYvaWRlbnRpdHkvY2xhaW1zL3JvbGUiOiJBZG1pbmlzdHJhdG9yIiwidW5pcXVlX25hbWUiOiJzdmMtZXhwb3J0IiwiaXNzIjoiZXJwLmludGVybmFsIn0.Zr4Nq7Wt1Mx8Kc2Vb5Lp9Hd3Gs6Fj0Ya4Ue7Oi1Ql8"`,
				// An API key issued as a JWT that names only its owner
				// (Solscan's), in a bot's .env.
				"HELIUS_API_KEY=5963c0a1-2b3c-4d5e-8f90-a1b2c3d4e5f6\nSOLSCAN_API_KEY=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjcmVhdGVkQXQiOjE3MTcwMDAwMDAwMDAsImVtYWlsIjoidHJhZGVyQHByb3Rvbi5tZSIsImFjdGlvbiI6InRva2VuLWFwaSIsImFwaVZlcnNpb24iOiJ2MiIsImlhdCI6MTcxNzAwMDAwMH0.Qm3xW9kZp2LtR8vN5cYs1AhF7uJ0oEi4gTzXbVqWnKd\n",
			},
			Negatives: []string{
				"API_TOKEN=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.<payload>.<signature>\n",
				"API_TOKEN=${API_TOKEN}\n",
				"headers = {'Authorization': f'Bearer {os.getenv(\"API_TOKEN\")}'}\n",
				// Expired session tokens from a test fixture.
				`{"access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI4MTIzNCIsInJvbGUiOiJ1c2VyIiwiaWF0IjoxNjAwMDAwMDAwLCJleHAiOjE2MDAwMDM2MDB9.3kBR0zjdng9e32bjcyk2iLm3AYxENTiFXhXpP-5f3pY"}`,
				`{"id_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI4MTIzNCIsInNjb3BlIjoicmVhZCIsImlhdCI6MTcxNjkxMjAwMCwiZXhwIjoxNzE2OTE1NjAwfQ.EoLmxl-X3P-OJO9basJHUvlYrVUtbD1nT62f-gaR1F_"}`,
				// The same kind of token with an expiry: a session.
				"SOLSCAN_API_KEY=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6InRyYWRlckBwcm90b24ubWUiLCJpYXQiOjE3MTcwMDAwMDAsImV4cCI6MTcxNzAwMzYwMH0.Qm3xW9kZp2LtR8vN5cYs1AhF7uJ0oEi4gTzXbVqWnKd\n",
				// A public anon key.
				"SUPABASE_ANON_KEY=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InFrdndocnR6cGxtZXhvbmJqZHNhIiwicm9sZSI6ImFub24iLCJpYXQiOjE3MjEzODQ0NTcsImV4cCI6MjAzNjk2MDQ1N30.oCGtAIIx9J7Zds6KhHpjXa7I4Q-15qYXO4kKXmwBdui\n",
			},
		},
	}
}

// apiKeyLabel names a value as an API key or token.
var apiKeyLabel = lazyRE(`(?i)api[_\-]?(?:key|token)|access[_\-]?(?:key|token)|auth[_\-]?token|bearer`)

// jwtPat is a signed compact JWS whose header and payload are JSON objects.
const jwtPat = `(?:^|[^A-Za-z0-9_\-.])(?P<secret>eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,})` + `(?:[^A-Za-z0-9_\-.]|$)`

// jwtPayload decodes the claims of a compact JWS, or reports false.
func jwtPayload(tok string) (map[string]any, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, false
	}
	var claims map[string]any
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil || json.Unmarshal(raw, &claims) != nil {
		return nil, false
	}
	return claims, true
}

func jwtAlg(tok string) string {
	var hdr struct {
		Alg string `json:"alg"`
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(tok[:strings.IndexByte(tok, '.')], "="))
	if err != nil || json.Unmarshal(raw, &hdr) != nil {
		return ""
	}
	return hdr.Alg
}

func claimNum(claims map[string]any, k string) (float64, bool) {
	v, ok := claims[k].(float64)
	return v, ok
}

func claimStr(claims map[string]any, k string) string {
	s, _ := claims[k].(string)
	return s
}

// expired reports whether the token's exp has passed; time is read at scan
// time on purpose: a token that can no longer be used is no longer a leak.
func expired(claims map[string]any) bool {
	exp, ok := claimNum(claims, "exp")
	return ok && time.Unix(int64(exp), 0).Before(time.Now())
}

func validateSupabase(secret string, _ Candidate) Verdict {
	claims, ok := jwtPayload(secret)
	if !ok || claimStr(claims, "role") != "service_role" {
		return Verdict{Reject: true, Reason: "not a service_role JWT"}
	}
	iss := claimStr(claims, "iss")
	if iss == "supabase-demo" {
		return Verdict{Severity: Info, Note: "well-known public key: the Supabase CLI's local demo key"}
	}
	if iss != "supabase" && claimStr(claims, "ref") == "" && !strings.Contains(iss, "supabase") {
		return Verdict{Reject: true, Reason: "service_role claim without a Supabase issuer"}
	}
	if expired(claims) {
		return Verdict{Reject: true, Reason: "expired"}
	}
	if ref := claimStr(claims, "ref"); ref != "" {
		return Verdict{Note: "project " + ref}
	}
	return Verdict{}
}

// authorityClaims are claims that make a token grant something beyond
// "this user logged in".
var authorityClaims = []string{"role", "roles", "scope", "scp", "scopes", "permissions", "perms", "admin", "is_admin", "grants", "access", "authorities"}

// publicRoles mark keys meant to be public.
var publicRoles = map[string]bool{"anon": true, "anonymous": true, "public": true, "guest": true}

func validateJWT(secret string, c Candidate) Verdict {
	switch strings.ToLower(jwtAlg(secret)) {
	case "", "none":
		// Unsigned tokens can be minted by anyone; they prove nothing.
		return Verdict{Reject: true, Reason: "unsigned or undecodable JWT"}
	}
	claims, ok := jwtPayload(secret)
	if !ok {
		return Verdict{Reject: true, Reason: "payload is not JSON"}
	}
	if claimStr(claims, "name") == "John Doe" || claimStr(claims, "sub") == "1234567890" {
		return Verdict{Severity: Info, Note: "well-known public token: jwt.io's sample"}
	}
	if v := validateSupabase(secret, Candidate{}); !v.Reject {
		return Verdict{Reject: true, Reason: "left to supabase-service-role-key"}
	}
	if publicRoles[strings.ToLower(claimStr(claims, "role"))] {
		return Verdict{Reject: true, Reason: "public (anon) key by design"}
	}
	if why, ok := spentJWT(claims); ok {
		return Verdict{Reject: true, Reason: why}
	}
	if !hasAuthorityClaim(claims) {
		_, expires := claims["exp"]
		if label := valueLabel(c, secret); !expires && apiKeyLabel.MatchString(label) {
			// Some services issue their API keys as JWTs whose claims
			// say only who asked (Solscan: createdAt, email, apiVersion);
			// the name it is kept under says what it is.
			return Verdict{Note: "signed token with no expiry, kept as an API key (" + label + ")"}
		}
		return Verdict{Reject: true, Reason: "no role, scope or permission claim"}
	}
	if _, ok := claims["exp"]; !ok {
		return Verdict{Note: "signed token with no expiry"}
	}
	return Verdict{Note: "long-lived signed token"}
}

// spentJWT says why a token with these claims is no longer, or was never
// meant to be, a credential to keep: it has expired, or it is a session
// token (minutes to days between iat and exp; a lifetime of months is a
// credential someone minted to keep).
func spentJWT(claims map[string]any) (string, bool) {
	exp, ok := claimNum(claims, "exp")
	if !ok {
		return "", false
	}
	if expired(claims) {
		return "expired", true
	}
	if iat, ok := claimNum(claims, "iat"); !ok || exp-iat < 90*24*3600 {
		return "short-lived session token", true
	}
	return "", false
}

// hasAuthorityClaim reports whether one of the claims is an authorityClaim,
// named in any case or as the last part of a claim URI: issuers outside
// the JWT RFCs write Roles (a postal service's API token) or ASP.NET's
// http://schemas.microsoft.com/ws/2008/06/identity/claims/role.
func hasAuthorityClaim(claims map[string]any) bool {
	for k := range claims {
		if i := strings.LastIndexByte(k, '/'); i >= 0 {
			k = k[i+1:]
		}
		if slices.Contains(authorityClaims, strings.ToLower(k)) {
			return true
		}
	}
	return false
}
