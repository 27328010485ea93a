package assign

import (
	"strings"
	"testing"
)

func TestAssignedValues(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{`BINANCE_API_KEY=abc123`, []string{"abc123"}},
		{`export OKX_SECRET='S3CR3T'`, []string{"S3CR3T"}},
		{`  api_key: plain-value`, []string{"plain-value"}},
		{`"key": "quoted",`, []string{"quoted"}},
		{`'apiKey': 'single',`, []string{"single"}},
		{`secret := "gostyle"`, []string{"gostyle"}},
		{`$secret => 'phparrow'`, []string{"phparrow"}},
		{`api_secret="""tripled"""`, []string{"tripled"}},
		{`    \"apiKey\": \"escaped\",\n`, []string{"escaped"}},
		{`key = SecretStr("wrapped")`, []string{"wrapped"}},
		{`client = Client("first", "second")`, []string{"first", "second"}},
		{`x = getenv('NAME')`, nil},
		{`"AWS::IAM::AccessKey": "72c2a1"`, nil},
		{`if a == b:`, nil},
		{`std::string s;`, nil},
		{`url: http://host:8080/x`, []string{"http://host:8080/x", "8080/x"}},
		{`key = os.environ.get("KEY")`, nil},
		// A record looked up by its id: the literal is the id, the
		// token is what the repository returns.
		{`val apiToken = tokenRepository.findById("3186ab12-1234-4abc-9def-0123456789ab").orElseThrow {`, nil},
		{`token = repo.getById("7f3e2d1c")`, nil},
		{`creds = Credential.objects.findOne("main")`, nil},
		{"const apiKey =\n  'wrapped-by-prettier';", []string{"wrapped-by-prettier"}},
		{"total =\n  price * qty", nil},
		{`POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-postgres}`, []string{"$", "postgres"}},
		{`export PGPASSWORD="${PGPASSWORD:?unset}"`, []string{"$", "unset"}},
		{`range: 1:-5`, []string{"1:-5", "-5"}},
		{"key: \"-----BEGIN EC PRIVATE KEY-----\\nMHcC\\n-----END EC PRIVATE KEY-----\\n\"", []string{"-----BEGIN EC PRIVATE KEY-----\\nMHcC\\n-----END EC PRIVATE KEY-----"}},
	}
	for _, tt := range tests {
		var got []string
		for _, v := range Values([]byte(tt.text)) {
			got = append(got, tt.text[v[0]:v[1]])
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s: got %q, want %q", tt.text, got, tt.want)
		}
	}
}

// A value is at most maxValueLen bytes: a line of "password=token=secret=…"
// would otherwise make each operator read to the line's end, and the line
// cost its length squared.
func TestValuesLongRun(t *testing.T) {
	tests := []struct {
		text string
		last string // the last value found, "" for none
	}{
		{"token=" + strings.Repeat("y", maxValueLen), strings.Repeat("y", maxValueLen)},
		{"token=" + strings.Repeat("x", maxValueLen+1), ""},
		{strings.Repeat("password=token=secret=", 64<<10/22) + " api_key=abc123", "abc123"},
	}
	for _, tt := range tests {
		last := ""
		for _, v := range Values([]byte(tt.text)) {
			if v[1]-v[0] > maxValueLen {
				t.Errorf("%.40s…: a value of %d bytes", tt.text, v[1]-v[0])
			}
			last = tt.text[v[0]:v[1]]
		}
		if last != tt.last {
			t.Errorf("%.40s…: last value %.20q, want %.20q", tt.text, last, tt.last)
		}
	}
}

func TestIndirectCallsFitTheBuffer(t *testing.T) {
	for name := range indirectCalls {
		if len(name) > maxIndirectCall || strings.ToLower(name) != name {
			t.Errorf("indirect call %q: longer than maxIndirectCall (%d) or not lower case", name, maxIndirectCall)
		}
	}
}

// isIndirectCall answers as lowercasing the callee's last dotted part and
// looking it up did.
func TestIsIndirectCallAgreesWithToLower(t *testing.T) {
	plain := func(callee string) bool {
		name := strings.ToLower(callee)
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			name = name[i+1:]
		}
		return indirectCalls[name]
	}
	callees := []string{"getenv", "os.Getenv", "os.GETENV", "process.env", "os.environ.get", "config",
		"Settings", "json.loads", "getpass.getpass", "LookupEnv", "lookupenv_", "x.", ".", "", "a.b.Read",
		"aVeryLongFunctionNameThatIsNoCall", "client.Secret", "ENV", "Param_2", "my-config", "get-env"}
	for _, c := range callees {
		if got, want := isIndirectCall([]byte(c)), plain(c); got != want {
			t.Errorf("isIndirectCall(%q) = %v, want %v", c, got, want)
		}
	}
}

// A call with two quoted arguments names its second by its first, unless
// the callee reads a value from elsewhere (getenv("NAME", "default")),
// whatever the case and the dotted prefix of the callee.
func TestEachNamedCalls(t *testing.T) {
	tests := []struct {
		text string
		want []string // "name=value"
	}{
		{`cfg.set("api_key", "abc123")`, []string{"api_key=abc123"}},
		{`os.Getenv("API_KEY", "fallback")`, nil},
		{`settings.GET('secret', 'dflt')`, nil},
		{`store.put(  'token',` + "\n" + `  'tok-1')`, []string{"token=tok-1"}},
		{`print(x, "y")`, nil},
		{`-f("a", "b")`, []string{"a=b"}},
		{`f("-a", "b")`, nil},
	}
	for _, tt := range tests {
		var got []string
		Each([]byte(tt.text), func(name, value [2]int) {
			got = append(got, tt.text[name[0]:name[1]]+"="+tt.text[value[0]:value[1]])
		})
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: Each = %q, want %q", tt.text, got, tt.want)
		}
	}
}
