package detectors

// Verification statuses. A status other than VerifyLive and
// VerifyLiveIPRestricted never says a key works: an answer that is merely
// not "invalid key" is VerifyUnknown.
const (
	// VerifyLive: the exchange accepted the signed read-only request.
	VerifyLive = "live"
	// VerifyInvalid: the exchange's documented answer says the key does
	// not exist, was revoked, or the secret does not belong to it.
	VerifyInvalid = "invalid"
	// VerifyLiveIPRestricted: the exchange's "IP not whitelisted" answer,
	// which it gives only for a key that exists.
	VerifyLiveIPRestricted = "live-ip-restricted"
	// VerifyUnknown: no conclusion (network error, rate limit, an
	// ambiguous or unexpected answer, a testnet key).
	VerifyUnknown = "unknown"
	// VerifyNotChecked: no request was sent (verification off, no way to
	// verify this kind of secret, a part missing, or two exchanges claim it).
	VerifyNotChecked = "not-checked"
)

// Permissions is what a live key may do, as the exchange reports it. A nil
// field means the exchange does not say.
type Permissions struct {
	Withdrawals  *bool `json:"withdrawals"`
	Trading      *bool `json:"trading"`
	IPRestricted *bool `json:"ip_restricted"`
	ReadOnly     *bool `json:"read_only"`
}

// Verification is the result of asking a credential's own service whether it
// works and what it may do. Its JSON form is part of the report contract.
type Verification struct {
	Status      string      `json:"status"`
	Permissions Permissions `json:"permissions"`
	// Detail explains the status in one sentence. It never holds a secret.
	Detail string `json:"detail"`
	// Steps tells the owner where the key is managed and what to change;
	// text reports print it for live keys.
	Steps string `json:"-"`
}

// Live reports whether the service confirmed that the key exists.
func (v *Verification) Live() bool {
	return v != nil && (v.Status == VerifyLive || v.Status == VerifyLiveIPRestricted)
}
