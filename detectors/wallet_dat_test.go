package detectors

import "testing"

func TestClassifyWalletDat(t *testing.T) {
	bdb := func(records ...string) ([]byte, []byte) {
		h := make([]byte, 512)
		copy(h[12:], []byte{0x62, 0x31, 0x05, 0x00})
		var s []byte
		for _, r := range records {
			s = append(s, 0xff)
			s = append(s, r...)
			s = append(s, 0x21, 0x02)
		}
		return h, s
	}
	sqlite := func(records ...string) ([]byte, []byte) {
		h := append([]byte("SQLite format 3\x00"), make([]byte, 84)...)
		var s []byte
		for _, r := range records {
			s = append(s, r...)
		}
		return h, s
	}
	type tcase struct {
		name     string
		gen      func(...string) ([]byte, []byte)
		records  []string
		ok       bool
		severity Severity
	}
	for _, tc := range []tcase{
		{"bdb plaintext", bdb, []string{"\x07version", "\x03key"}, true, Critical},
		{"bdb encrypted", bdb, []string{"\x04mkey", "\x04ckey", "\x04name"}, true, High},
		{"bdb wallet without keys in sample", bdb, []string{"\x0aminversion"}, true, High},
		{"bdb but not a wallet", bdb, []string{"\x05hello"}, false, 0},
		{"sqlite plaintext", sqlite, []string{"\x13walletdescriptorkey"}, true, Critical},
		{"sqlite encrypted", sqlite, []string{"\x04mkey", "\x14walletdescriptorckey"}, true, High},
		{"sqlite watch-only", sqlite, []string{"\x10walletdescriptor"}, true, Low},
		{"sqlite other app", sqlite, []string{"CREATE TABLE users"}, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, s := tc.gen(tc.records...)
			v, ok := ClassifyWalletDat(h, s)
			if ok != tc.ok || v.Severity != tc.severity || (ok && v.Note == "") {
				t.Errorf("ClassifyWalletDat = %+v, %v; want ok=%v severity=%v", v, ok, tc.ok, tc.severity)
			}
		})
	}
	if _, ok := ClassifyWalletDat([]byte("PK\x03\x04 zip file, not a wallet"), nil); ok {
		t.Error("a zip file was taken for a wallet")
	}
	if _, ok := ClassifyWalletDat(nil, nil); ok {
		t.Error("an empty file was taken for a wallet")
	}
}
