package verify

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// permCase is one documented answer of an exchange's permission audit
// and what it must be read as: "yes", "no" or "?" (unknown) for
// withdrawals, trading and read-only.
type permCase struct {
	name, answer              string
	withdraw, trade, readOnly string
}

func runPermCases(t *testing.T, id string, cases []permCase) {
	t.Helper()
	var s *service
	for i := range services {
		if services[i].id == id {
			s = &services[i]
		}
	}
	if s == nil {
		t.Fatalf("no service %s", id)
	}
	word := func(b *bool) string {
		switch {
		case b == nil:
			return "?"
		case *b:
			return "yes"
		}
		return "no"
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var doc any
			if err := json.Unmarshal([]byte(tc.answer), &doc); err != nil {
				t.Fatal(err)
			}
			p, detail, ok := s.audit(doc, credential{key: "k3y"})
			if !ok {
				t.Fatal("answer not read")
			}
			if word(p.Withdrawals) != tc.withdraw || word(p.Trading) != tc.trade || word(p.ReadOnly) != tc.readOnly {
				t.Errorf("withdraw %s trade %s read-only %s; want %s %s %s (%s)",
					word(p.Withdrawals), word(p.Trading), word(p.ReadOnly), tc.withdraw, tc.trade, tc.readOnly, detail)
			}
		})
	}
}

// Each exchange's audit is fed the answer its documentation shows, with
// every permission name the documentation lists, one at a time where the
// names differ in what they allow.

// https://developers.binance.com/docs/wallet/account/api-key-permission
func TestAuditBinancePermissionNames(t *testing.T) {
	doc := func(fields string) string {
		return `{"ipRestrict":false,"createTime":1698645219000,"enableReading":true,"enableWithdrawals":false,"enableInternalTransfer":false,` +
			`"enableMargin":false,"enableFutures":false,"permitsUniversalTransfer":false,"enableVanillaOptions":false,"enableFixApiTrade":false,` +
			`"enableFixReadOnly":true,"enableSpotAndMarginTrading":false,"enablePortfolioMarginTrading":false` + fields + `}`
	}
	runPermCases(t, "binance", []permCase{
		{"documented example", `{"ipRestrict":false,"createTime":1623840271000,"enableReading":true,"enableWithdrawals":false,"enableInternalTransfer":true,"enableMargin":false,"enableFutures":false,"permitsUniversalTransfer":true,"enableVanillaOptions":false,"enableFixApiTrade":false,"enableFixReadOnly":true,"enableSpotAndMarginTrading":false,"enablePortfolioMarginTrading":true}`, "no", "yes", "no"},
		{"reading only", doc(""), "no", "no", "yes"},
		{"enableWithdrawals", doc(`,"enableWithdrawals":true`), "yes", "no", "no"},
		{"enableSpotAndMarginTrading", doc(`,"enableSpotAndMarginTrading":true`), "no", "yes", "no"},
		{"enableMargin", doc(`,"enableMargin":true`), "no", "yes", "no"},
		{"enableFutures", doc(`,"enableFutures":true`), "no", "yes", "no"},
		{"enableVanillaOptions", doc(`,"enableVanillaOptions":true`), "no", "yes", "no"},
		{"enablePortfolioMarginTrading", doc(`,"enablePortfolioMarginTrading":true`), "no", "yes", "no"},
		{"enableFixApiTrade", doc(`,"enableFixApiTrade":true`), "no", "yes", "no"},
		{"enableInternalTransfer", doc(`,"enableInternalTransfer":true`), "no", "no", "no"},
		{"permitsUniversalTransfer", doc(`,"permitsUniversalTransfer":true`), "no", "no", "no"},
	})
}

// https://bybit-exchange.github.io/docs/v5/user/apikey-info
func TestAuditBybitPermissionNames(t *testing.T) {
	doc := func(readOnly int, perms string) string {
		return `{"retCode":0,"retMsg":"","result":{"id":"13770661","note":"bot","apiKey":"k3y","readOnly":` + strconv.Itoa(readOnly) +
			`,"secret":"","permissions":{"ContractTrade":[],"Spot":[],"Wallet":[],"Options":[],"Derivatives":[],"Exchange":[],"Earn":[],` +
			`"FiatP2P":[],"FiatBybitPay":[],"FiatConvertBroker":[],"BlockTrade":[],"Affiliate":[],"NFT":[],"CopyTrading":[]` + perms +
			`},"ips":["*"],"type":1,"deadlineDay":83,"expiredAt":"2024-03-01T00:00:00Z","createdAt":"2023-12-08T09:31:07Z","uta":1,"userID":24617703,"isMaster":true,"parentUid":"0"}}`
	}
	runPermCases(t, "bybit", []permCase{
		{"read-only key", doc(1, `,"Spot":["SpotTrade"]`), "no", "no", "yes"},
		{"nothing granted", doc(0, ""), "no", "no", "no"},
		{"ContractTrade Order", doc(0, `,"ContractTrade":["Order"]`), "no", "yes", "no"},
		{"ContractTrade Position", doc(0, `,"ContractTrade":["Position"]`), "no", "yes", "no"},
		{"Spot SpotTrade", doc(0, `,"Spot":["SpotTrade"]`), "no", "yes", "no"},
		{"Options OptionsTrade", doc(0, `,"Options":["OptionsTrade"]`), "no", "yes", "no"},
		{"Derivatives DerivativesTrade", doc(0, `,"Derivatives":["DerivativesTrade"]`), "no", "yes", "no"},
		{"Exchange ExchangeHistory (Convert)", doc(0, `,"Exchange":["ExchangeHistory"]`), "no", "yes", "no"},
		{"Wallet AccountTransfer", doc(0, `,"Wallet":["AccountTransfer"]`), "no", "no", "no"},
		{"Wallet SubMemberTransfer", doc(0, `,"Wallet":["SubMemberTransfer","SubMemberTransferList"]`), "no", "no", "no"},
		{"Wallet Withdraw", doc(0, `,"Wallet":["Withdraw"]`), "yes", "no", "no"},
		{"Earn", doc(0, `,"Earn":["Earn"]`), "no", "no", "no"},
		{"FiatP2P FiatP2POrder", doc(0, `,"FiatP2P":["FiatP2POrder","Advertising"]`), "yes", "no", "no"},
		{"FiatBybitPay FaitPayOrder", doc(0, `,"FiatBybitPay":["FaitPayOrder"]`), "yes", "no", "no"},
		{"FiatConvertBroker", doc(0, `,"FiatConvertBroker":["FiatConvertBrokerOrder"]`), "no", "yes", "no"},
		{"BlockTrade entry", doc(0, `,"BlockTrade":["BlockTrade"]`), "no", "yes", "no"},
		{"CopyTrading entry", doc(0, `,"CopyTrading":["CopyTrading"]`), "no", "yes", "no"},
	})
}

// https://www.okx.com/docs-v5/en/ (Trading Account → Get account
// configuration: "perm", comma-separated read_only, trade, withdraw).
func TestAuditOKXPermissionNames(t *testing.T) {
	doc := func(perm string) string {
		return `{"code":"0","msg":"","data":[{"acctLv":"2","autoLoan":false,"ctIsoMode":"automatic","greeksType":"PA","ip":"","kycLv":"3","label":"bot","level":"Lv1","levelTmp":"","mainUid":"44705892343619584","mgnIsoMode":"automatic","opAuth":"0","perm":"` + perm + `","posMode":"long_short_mode","roleType":"0","spotOffsetType":"","traderInsts":[],"uid":"44705892343619584"}]}`
	}
	runPermCases(t, "okx", []permCase{
		{"read_only", doc("read_only"), "no", "no", "yes"},
		{"read_only,trade", doc("read_only,trade"), "no", "yes", "no"},
		{"read_only,withdraw", doc("read_only,withdraw"), "yes", "no", "no"},
		{"read_only,trade,withdraw", doc("read_only,trade,withdraw"), "yes", "yes", "no"},
	})
}

// https://docs.cdp.coinbase.com/api-reference/advanced-trade-api/rest-api/data-api/get-api-key-permissions
func TestAuditCoinbasePermissionNames(t *testing.T) {
	doc := func(view, trade, transfer string) string {
		return `{"can_view":` + view + `,"can_trade":` + trade + `,"can_transfer":` + transfer + `,"portfolio_uuid":"8ce6c2f8-5bf1-4c6f-b2a8-1c6a0c5b1c7e","portfolio_type":"DEFAULT"}`
	}
	runPermCases(t, "coinbase", []permCase{
		{"can_view", doc("true", "false", "false"), "no", "no", "yes"},
		{"can_trade", doc("true", "true", "false"), "no", "yes", "no"},
		{"can_transfer", doc("true", "false", "true"), "yes", "no", "no"},
		{"all three", doc("true", "true", "true"), "yes", "yes", "no"},
	})
}

// https://www.kucoin.com/docs-new/rest/account-info/account-funding/get-apikey-info
func TestAuditKuCoinPermissionNames(t *testing.T) {
	doc := func(perm string) string {
		return `{"code":"200000","data":{"remark":"account1","apiKey":"6705f5c311545b000157d3eb","apiVersion":3,"permission":"` + perm + `","ipWhitelist":"203.**.7","createdAt":1728443843000,"uid":165111215,"isMaster":true}}`
	}
	runPermCases(t, "kucoin", []permCase{
		{"documented example", doc("General,Futures,Spot,Earn,InnerTransfer,Transfer,Margin"), "yes", "yes", "no"},
		{"General", doc("General"), "no", "no", "yes"},
		{"Spot", doc("General,Spot"), "no", "yes", "no"},
		{"Margin", doc("General,Margin"), "no", "yes", "no"},
		{"Futures", doc("General,Futures"), "no", "yes", "no"},
		{"Earn", doc("General,Earn"), "no", "no", "no"},
		{"InnerTransfer", doc("General,InnerTransfer"), "no", "no", "no"},
		{"Transfer is the withdrawal right", doc("General,Transfer"), "yes", "no", "no"},
		{"unknown right", doc("General,Staking"), "no", "no", "?"},
	})
}

// https://www.bitget.com/api-doc/spot/account/Get-Account-Info
func TestAuditBitgetPermissionNames(t *testing.T) {
	doc := func(auth string) string {
		return `{"code":"00000","msg":"success","requestTime":1695808949356,"data":{"userId":"**********","inviterId":"**********","ips":"127.0.0.1","authorities":[` + auth + `],"parentId":1,"traderType":"trader","channelCode":"XXX","channel":"YYY","regisTime":"1246566789345"}}`
	}
	runPermCases(t, "bitget", []permCase{
		{"documented example", doc(`"trade","readonly"`), "no", "yes", "no"},
		{"readonly", doc(`"readonly"`), "no", "no", "yes"},
		{"every read-only code", doc(`"coor","cpor","stor","smor","ttor","wtor","taxr","chor","p2pr","pllr"`), "no", "no", "yes"},
		{"coow futures orders", doc(`"coor","coow"`), "no", "yes", "no"},
		{"cpow futures holdings", doc(`"cpow"`), "no", "yes", "no"},
		{"stow spot trade", doc(`"stow"`), "no", "yes", "no"},
		{"smow margin trade", doc(`"smow"`), "no", "yes", "no"},
		{"ttow copy trading", doc(`"ttow"`), "no", "yes", "no"},
		{"wtow wallet transfer", doc(`"wtow"`), "no", "no", "no"},
		{"chow subaccount manage", doc(`"chow"`), "no", "no", "no"},
		{"pllw pledge loan", doc(`"pllw"`), "no", "no", "no"},
		{"taxw tax", doc(`"taxw"`), "no", "no", "no"},
		{"wwow wallet withdrawal", doc(`"stor","wwow"`), "yes", "no", "no"},
		{"p2p release", doc(`"p2p"`), "yes", "no", "no"},
		{"unknown code", doc(`"stor","xyzw"`), "no", "no", "?"},
	})
}

// https://docs.bitfinex.com/reference/key-permissions
func TestAuditBitfinexPermissionNames(t *testing.T) {
	all := []string{"account", "history", "orders", "positions", "funding", "settings", "wallets", "withdraw", "ui_withdraw", "bfxpay"}
	doc := func(write ...string) string {
		var rows []string
		for _, s := range all {
			w := "0"
			for _, x := range write {
				if x == s {
					w = "1"
				}
			}
			rows = append(rows, `["`+s+`",1,`+w+`]`)
		}
		return "[" + strings.Join(rows, ",") + "]"
	}
	runPermCases(t, "bitfinex", []permCase{
		{"read everything", doc(), "no", "no", "yes"},
		{"account write", doc("account"), "no", "no", "no"},
		{"orders write", doc("orders"), "no", "yes", "no"},
		{"positions write", doc("positions"), "no", "yes", "no"},
		{"funding write", doc("funding"), "no", "yes", "no"},
		{"settings write", doc("settings"), "no", "no", "no"},
		{"wallets write", doc("wallets"), "no", "no", "no"},
		{"withdraw write", doc("withdraw"), "yes", "no", "no"},
		{"ui_withdraw write", doc("ui_withdraw"), "yes", "no", "no"},
		{"bfxpay write", doc("bfxpay"), "yes", "no", "no"},
	})
}

// https://www.gate.io/docs/developers/apiv4/ (GET /account/detail, model
// AccountDetail in github.com/gateio/gateapi-go): the key's own rights
// are not in the answer, so nothing is claimed.
func TestAuditGatePermissionNames(t *testing.T) {
	runPermCases(t, "gateio", []permCase{
		{"documented example", `{"user_id":1667201533,"ip_whitelist":["127.0.0.1"],"currency_pairs":["BTC_USDT"],"key":{"mode":1},"tier":2,"copy_trading_role":1}`, "?", "?", "?"},
	})
}

// https://www.bitmex.com/api/explorer/ (GET /apiKey; the APIKey model of
// BitMEX/api-connectors swagger.json; the key page offers Order, Order
// Cancel and Withdraw).
func TestAuditBitMEXPermissionNames(t *testing.T) {
	doc := func(perms string) string {
		return `[{"id":"k3y","secret":"","name":"bot","nonce":0,"cidr":"0.0.0.0/0","cidrs":["0.0.0.0/0"],"permissions":[` + perms + `],"enabled":true,"userId":214003,"created":"2024-01-05T10:11:12.000Z"}]`
	}
	runPermCases(t, "bitmex", []permCase{
		{"no permission", doc(""), "no", "no", "yes"},
		{"order", doc(`"order"`), "no", "yes", "no"},
		{"orderCancel", doc(`"orderCancel"`), "no", "yes", "no"},
		{"withdraw", doc(`"withdraw"`), "yes", "no", "no"},
	})
}

// https://huobiapi.github.io/docs/spot/v1/en/ (GET /v2/user/api-key, added
// as announced at https://www.huobi.com/support/en-us/detail/900001195006/:
// permission is a comma-separated list of readOnly, trade, withdraw).
func TestAuditHTXPermissionNames(t *testing.T) {
	doc := func(perm string) string {
		return `{"code":200,"message":"success","data":[{"accessKey":"k3y","note":"bot","permission":"` + perm + `","ipAddresses":"","validDays":-1,"status":"normal","createTime":1585125233000,"updateTime":1585125233000}],"ok":true}`
	}
	runPermCases(t, "huobi", []permCase{
		{"readOnly", doc("readOnly"), "no", "no", "yes"},
		{"readOnly,trade", doc("readOnly,trade"), "no", "yes", "no"},
		{"readOnly,withdraw", doc("readOnly,withdraw"), "yes", "no", "no"},
		{"readOnly,trade,withdraw", doc("readOnly,trade,withdraw"), "yes", "yes", "no"},
	})
}

// https://developer.gemini.com/rest-api/common/admin/roles-endpoint and
// https://developer.gemini.com/roles (Fund Manager withdraws).
func TestAuditGeminiPermissionNames(t *testing.T) {
	doc := func(auditor, fund, trader string) string {
		return `{"isAuditor":` + auditor + `,"isFundManager":` + fund + `,"isTrader":` + trader + `,"counterparty_id":"YPIZDVNL"}`
	}
	runPermCases(t, "gemini", []permCase{
		{"Auditor", doc("true", "false", "false"), "no", "no", "yes"},
		{"Trader", doc("false", "false", "true"), "no", "yes", "no"},
		{"Fund Manager", doc("false", "true", "false"), "yes", "no", "no"},
		{"Trader and Fund Manager", doc("false", "true", "true"), "yes", "yes", "no"},
	})
}

// https://docs.deribit.com/articles/access-scope
func TestAuditDeribitPermissionNames(t *testing.T) {
	doc := func(scope string) string {
		return `{"jsonrpc":"2.0","id":9929,"result":{"access_token":"1582628593469.1MbQ-J_4.CBP-OqOwm_FBdMYj4cRK2dMXyHPfBtXGpzLxhWg31nHu3H_Q60FpE5_vqUBEQGSiMrIGzw3nC37NMb9d1tpBNqBOM_Ql9pXOmgtV9Yj3Pq1c6BqC6dU6eTxHMFO67x8GpJxqw_QcKP5IepwGBD-gfKSHfAv9AEnLJkNu3JkMJBdLToY1lrBnuedF3dU_uARm","expires_in":31536000,"refresh_token":"1582628593469.1GP4rQd0.A9Wa78o5kFRIUP49mScaD1CqHgiK50HOl2VA6kCtWa8BQZU5Dr03BhcbXPNvEh3I_MVixKZXnyoBeKJwLl8LXnfo180ckAiPj3zOclcUu4zkXuF3NNP3sTPcDf1B3C1CwMKkJ1NOcf1yPmRbsrd7hbgQ-hLa40tfx6Oa-85ymm_3Z65LZcnCeLrqlj_A9jM","scope":"` + scope + `","token_type":"bearer"}}`
	}
	runPermCases(t, "deribit", []permCase{
		{"read everything", doc("connection mainaccount account:read trade:read wallet:read block_trade:read block_rfq:read custody:read"), "no", "no", "yes"},
		{"account:read_write", doc("account:read_write trade:read wallet:read"), "no", "no", "no"},
		{"trade:read_write", doc("account:read trade:read_write wallet:read"), "no", "yes", "no"},
		{"wallet:read_write", doc("account:read trade:read wallet:read_write"), "yes", "no", "no"},
		{"block_trade:read_write", doc("account:read trade:read block_trade:read_write wallet:none"), "no", "yes", "no"},
		{"block_rfq:read_write", doc("account:read trade:read block_rfq:read_write"), "no", "yes", "no"},
	})
}
