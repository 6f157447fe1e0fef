package incidents

// Kind is the kind of accident. It decides who receives the report first
// and which unit leads the response (Annex 4 and Annex 2, routed by
// package orgplan). The zero value is not a valid kind.
type Kind uint8

// The kinds of accident the plan distinguishes. Annex 4 names five of them;
// hazardous chemicals, gas and construction have their own lead units in
// Annex 2 and their own sector plans (1.3), so they are kinds of their own.
const (
	MiningIndustryTrade Kind = iota + 1 // 工矿商贸
	RoadTraffic                         // 道路交通
	Fire                                // 火灾
	SpecialEquipment                    // 特种设备
	HazardousChemicals                  // 危险化学品
	Gas                                 // 燃气
	Construction                        // 建设工程
	FarmMachinery                       // 农牧业机械
	OtherKind                           // 其他
)

var kindText = []enumText{
	{},
	{"mining_industry_trade", "工矿商贸事故"},
	{"road_traffic", "道路交通事故"},
	{"fire", "火灾事故"},
	{"special_equipment", "特种设备事故"},
	{"hazardous_chemicals", "危险化学品事故"},
	{"gas", "燃气事故"},
	{"construction", "建设工程事故"},
	{"farm_machinery", "农牧业机械事故"},
	{"other", "其他生产安全事故"},
}

// Kinds returns every valid kind in canonical order.
func Kinds() []Kind { return allOf[Kind](kindText) }

// ParseKind accepts a stable code such as "road_traffic". The error is a
// *ParseError listing the valid codes.
func ParseKind(code string) (Kind, error) { return parseEnum[Kind]("事故类别", kindText, code) }

// Valid reports whether k is one of the defined kinds.
func (k Kind) Valid() bool { return lookup(kindText, k).code != "" }

// Code is the stable code stored and sent over the API.
func (k Kind) Code() string { return lookup(kindText, k).code }

// Label is the Chinese name shown to people.
func (k Kind) Label() string { return lookup(kindText, k).label }

func (k Kind) String() string { return stringOf("Kind", kindText, k) }

// MarshalText writes the stable code, so JSON carries "road_traffic", not 2.
func (k Kind) MarshalText() ([]byte, error) { return marshalEnum("incident kind", kindText, k) }

// UnmarshalText accepts the stable code only.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}
