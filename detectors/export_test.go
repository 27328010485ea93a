package detectors

// Test helpers shared with the external tests (package detectors_test):
// deterministic fake credentials of each shape, the wallet rules alone, and
// the internals the peer and wallet tests inspect.
// They are compiled only into tests, so they are no part of the API.
var (
	FakeValue         = fake
	FakeUUID          = fakeUUID
	FakeMnemonic      = fakeMnemonic
	FakeWIF           = fakeWIF
	FakeExtendedKey   = fakeExtendedKey
	FakeEVMKey        = fakeEVMKey
	FakeSolanaKeypair = fakeSolanaKeypair
	WalletRules       = func() []Rule { return withServices(walletRules()) }

	Base58Encode = base58Encode
)
