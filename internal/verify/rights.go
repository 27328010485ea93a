package verify

import (
	"sort"
	"strings"
	"sync"

	"github.com/keyward/scan/detectors"
)

// right is what one named permission lets its holder do.
type right int

const (
	rightUnknown right = iota
	// rightRead only reads.
	rightRead
	// rightMove changes the account but keeps the funds in it: transfers
	// between the owner's own accounts, earn products, loans, settings.
	rightMove
	// rightTrade places or cancels orders: it can lose money in the market.
	rightTrade
	// rightWithdraw sends funds to someone else: a withdrawal, a payment,
	// a P2P release.
	rightWithdraw
)

// rights folds the permission names an exchange returned, looked up in
// its table after norm, into what the key may do. A name the table does
// not hold makes read-only unknown (an undocumented right may be one that
// moves money) and is returned so the detail can name it.
func rights(table map[string]right, norm func(string) string, names []string) (p detectors.Permissions, unknown []string) {
	w, t, write := false, false, false
	for _, n := range names {
		switch table[norm(n)] {
		case rightWithdraw:
			w, write = true, true
		case rightTrade:
			t, write = true, true
		case rightMove:
			write = true
		case rightRead:
		default:
			unknown = append(unknown, n)
		}
	}
	p = detectors.Permissions{Withdrawals: ptr(w), Trading: ptr(t), ReadOnly: ptr(!write)}
	if len(unknown) > 0 {
		p.ReadOnly = nil
		if write {
			p.ReadOnly = ptr(false)
		}
	}
	sort.Strings(unknown)
	return p, unknown
}

// describeRights is describe plus the names the table did not know.
func describeRights(p detectors.Permissions, exchange string, unknown []string) string {
	d := describe(p)
	if len(unknown) > 0 {
		d += "; " + exchange + " named permissions this scanner does not know (" + strings.Join(unknown, ", ") + ")"
	}
	return d
}

func lowerName(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// kucoinRights are the values of "permission" in KuCoin's Get API Key
// Info, https://www.kucoin.com/docs-new/rest/account-info/account-funding/get-apikey-info
// ("General, Spot, Margin, Futures, InnerTransfer, Transfer, Earn"), and
// the names of its permission list (https://docs.kucoin.com/, "api-
// permission"), where the withdrawal right is called Transfer: "Apply
// Withdraw ... requires the Transfer permission"
// (https://www.kucoin.com/docs/rest/funding/withdrawals/apply-withdraw-v3-).
var kucoinRights = sync.OnceValue(func() map[string]right {
	return map[string]right{
		"general":          rightRead,
		"spot":             rightTrade,
		"margin":           rightTrade,
		"futures":          rightTrade,
		"trade":            rightTrade, // the v2 keys' single trading right
		"leadtradefutures": rightTrade,
		"leadtradespot":    rightTrade,
		"leveragetoken":    rightTrade,
		"earn":             rightMove,
		"innertransfer":    rightMove, // between the owner's own accounts
		"flextransfers":    rightMove,
		"transfer":         rightWithdraw,
		"withdrawal":       rightWithdraw, // the web page's name for Transfer
	}
})

// bitgetRights are the authority codes of Bitget's Get Account
// Information, https://www.bitget.com/api-doc/spot/account/Get-Account-Info:
// codes ending in r read, in w read and write; its response example
// gives the words "trade" and "readonly" instead.
var bitgetRights = sync.OnceValue(func() map[string]right {
	return map[string]right{
		"readonly": rightRead, "trade": rightTrade,
		"coor": rightRead, "cpor": rightRead, "stor": rightRead, "smor": rightRead, "ttor": rightRead,
		"wtor": rightRead, "taxr": rightRead, "chor": rightRead, "p2pr": rightRead, "pllr": rightRead,
		"coow": rightTrade, "cpow": rightTrade, "stow": rightTrade, "smow": rightTrade, "ttow": rightTrade,
		"wtow": rightMove, "chow": rightMove, "pllw": rightMove, "taxw": rightMove,
		"wwow": rightWithdraw,
		// P2P write releases coins to the buyer: funds leave the account.
		"p2p": rightWithdraw, "p2pw": rightWithdraw,
	}
})

// bybitRights are the names inside "permissions" of Bybit's Get API Key
// Information, https://bybit-exchange.github.io/docs/v5/user/apikey-info.
var bybitRights = sync.OnceValue(func() map[string]right {
	return map[string]right{
		"order": rightTrade, "position": rightTrade, "spottrade": rightTrade, "optionstrade": rightTrade,
		"derivativestrade": rightTrade,
		// Exchange is Bybit's Convert: it swaps one coin for another.
		"exchangehistory":        rightTrade,
		"fiatconvertbrokerorder": rightTrade,
		"accounttransfer":        rightMove, "submembertransfer": rightMove, "submembertransferlist": rightMove,
		"earn": rightMove, "affiliate": rightRead,
		"withdraw": rightWithdraw,
		// P2P orders release coins to the buyer; Bybit Pay pays a merchant.
		"fiatp2porder": rightWithdraw, "advertising": rightWithdraw, "faitpayorder": rightWithdraw,
	}
})

// bybitTradeGroups are the permission groups whose every entry trades,
// whatever Bybit names the entry.
var bybitTradeGroups = []string{"ContractTrade", "Spot", "Options", "Derivatives", "CopyTrading", "BlockTrade"}
