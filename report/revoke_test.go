package report

import (
	"testing"

	"github.com/keyward/scan/detectors"
)

func TestSharedAdviceSaysTheCommonParagraphOnce(t *testing.T) {
	group := func(name, advice string) revokeGroup {
		return revokeGroup{Exchange: name, Name: name, Advice: advice}
	}
	std := func(name string) revokeGroup { return group(name, detectors.ExchangeAdvice(name)) }
	tests := []struct {
		name       string
		groups     []revokeGroup
		verbose    bool
		wantShared bool
	}{
		{"one exchange keeps its own", []revokeGroup{std("Binance")}, false, false},
		{"two exchanges share it", []revokeGroup{std("Binance"), std("KuCoin")}, false, true},
		{"a config's own advice stays with its exchange", []revokeGroup{std("Binance"), group("KuCoin", "Call the desk.")}, false, false},
		{"verbose advice differs per exchange", []revokeGroup{std("Binance"), std("KuCoin")}, true, false},
	}
	for _, tt := range tests {
		before := append([]revokeGroup(nil), tt.groups...)
		shared := sharedAdvice(tt.groups, tt.verbose)
		if (shared != "") != tt.wantShared {
			t.Errorf("%s: shared %q, want shared %v", tt.name, shared, tt.wantShared)
		}
		for i, g := range tt.groups {
			if tt.wantShared && g.Advice != "" {
				t.Errorf("%s: %s still says %q", tt.name, g.Name, g.Advice)
			}
			if !tt.wantShared && g.Advice != before[i].Advice {
				t.Errorf("%s: %s's advice changed to %q", tt.name, g.Name, g.Advice)
			}
		}
	}
}
