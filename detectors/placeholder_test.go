package detectors

import "testing"

func TestPlaceholder(t *testing.T) {
	tests := []struct {
		value string
		want  bool
	}{
		{"your_api_key_here", true},
		{"<API_KEY>", true},
		{"${BINANCE_API_KEY}", true},
		{"{{ .Values.apiKey }}", true},
		{"****************", true},
		{"xxxxxxxxxxxxxxxxxx", true},
		{"changeme", true},
		{"REPLACE_WITH_SECRET", true},
		{"sk_live_EXAMPLEKEY123", true},
		{"0000000000000000000000000000000000000000", true},
		{"os.getenv('KEY')", true},
		// Real-looking random values stay.
		{"3F7C5A5BBA35E2A5B724F9E93C263278", false},
		{"LIix6MEOLeMa61EqJomTEI1JEzO3joOj37HyVaQXekW9LctXb03rEMU64yTY6BzU", false},
		{"027af2fc-0c09-44c7-ad32-23707aae1d72", false},
		{"bot6PmlkO!", false},
		// Short words a stand-in uses, where a stand-in puts them.
		{"TODO_PUT_KEY", true},
		{"todo", true},
		{"sk-dummy-1", true},
		{"thisisadummykey", true},
		{"INSERTKEYHERE", true},
		{"AKIAXXXXXXXXXXXXXXXX", true},
		{"mx0vxxxxxxxxxxxxxx", true},
		// Random Kraken secrets that once read as placeholders: "TODO" and
		// "xxxx" inside a generated base64 value are chance, not a stand-in.
		{"LiGREdCSb9IY/mYa8U6NVD0QGZrY9Ozf1TODO1Czgmk4pKoUbsTI8YREVHV4TDygXiE8J/1ceOkL4DW7XLPRcg==", false},
		{"uc+4zthj//1H7QSW1621HAwYCvEFzmPrhBVv2U+9QyOaygrmksDDxH6KfzVHISEctisXH/xXxxIPoxhpMLXYHw==", false},
		{"sB0KtVgxu3NXrOHRqHco73ba4xHM6pVkd7KWAAeWNJTWpyMXXXxQNTBerfEa9AXJQfJ7THD+zaZuJ6b1bVUIyg==", false},
		// A Bybit secret ending in "toDo", a Binance key with "XXx" and "xxX".
		{"hsINmQIicF8KbLp7DgnGK9fbt7dQ8LCJtoDo", false},
		{"XfinixwP3FXz34RvkTkVRBVfXXxioJnqpSTjtP0WtxxXJiK93xZExV0NjUi3LIqy", false},
		{"2fFZuXXX_CXB5XXXDGhjk2", true},
		{"Todo_api_key", true},
		// Hyphenated words that say what they stand for; a passphrase
		// that does not, and generated values with hyphens, stay.
		{"test-secret-key-for-ci-pipeline-minimum-32-chars", true},
		{"jwt-secret-change-in-production", true},
		{"MY-API-TOKEN-2024", true},
		{"correct-horse-battery-staple", false},
		{"secret-Horse-battery", false},
		{"sk-proj-4f9a2c7e1b", false},
		{"key-a1b2c3-d4e5f6", false},
		{"my-key", false},
	}
	for _, tt := range tests {
		if got, why := Placeholder(tt.value); got != tt.want {
			t.Errorf("Placeholder(%q) = %v (%s), want %v", tt.value, got, why, tt.want)
		}
	}
}
