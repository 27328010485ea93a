package detectors

import "testing"

// A user table's row read from a SQLite write-ahead log (a better-auth
// account: ids, "credential", then salt:hash in hex) runs its fields
// together, and the hash reads as the value of a name that ends in
// "credential…<salt>". Found on an unseen sniper-bot history (issue 17).
func TestSaltedHashIsNotASecret(t *testing.T) {
	id := FakeValue("sh id", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32)
	salt := FakeValue("sh salt", "0123456789abcdef", 32)
	hash := FakeValue("sh hash", "0123456789abcdef", 128)
	row := "\x82O\x04\x04" + id[:20] + id + "credential" + id + salt + ":" + hash + "\x00\x00\x00BW"
	tests := []struct {
		name, line, secret string
		want               bool
	}{
		{"the hash of a salt:hash row", row, hash, true},
		{"a secret after a name", "API_SECRET:" + hash[:64], hash[:64], false},
		{"a short hex run before the colon", "token_ab12:" + hash[:64], hash[:64], false},
		{"a value that is not hex", "x" + salt + ":" + id, id, false},
	}
	for _, tt := range tests {
		if got := saltedHash(tt.line, tt.secret); got != tt.want {
			t.Errorf("%s: saltedHash = %v, want %v", tt.name, got, tt.want)
		}
	}
	v := validateGeneric(hash, Candidate{Path: "mexc_sniper.db-wal", Line: row})
	if !v.Reject {
		t.Errorf("validateGeneric kept the hash of a salt:hash row")
	}
}
