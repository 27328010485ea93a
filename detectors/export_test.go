package detectors

// Test helpers shared with the external tests (package detectors_test):
// deterministic fake credentials of each shape, and the wallet rules alone.
// They are compiled only into tests, so they are no part of the API.
var (
	FakeValue         = fake
	FakeUUID          = fakeUUID
	FakeMnemonic      = fakeMnemonic
	FakeWIF           = fakeWIF
	FakeExtendedKey   = fakeExtendedKey
	FakeEVMKey        = fakeEVMKey
	FakeSolanaKeypair = fakeSolanaKeypair
	WalletRules       = walletRules
)
