package blast

import "math"

// ExplosionMethod says, for the person reading a result, how the rings
// were drawn.
const ExplosionMethod = "TNT 当量法：W_TNT = η·m·ΔHc / 4.68 MJ/kg（直接给出 TNT 当量时用该值）；" +
	"各超压阈值的距离取 Kingery–Bulmash 半球面地面爆炸曲线（Swisdak 1994 拟合）"

// RMPYield is the yield the US EPA's RMP screening rule fixes for a vapour
// cloud explosion of a flammable substance (10 %).
const RMPYield = 0.10

// rmpScaledDistance1Psi is the rule's scaled distance to 1 psi, m/kg^⅓.
const rmpScaledDistance1Psi = 17.0

// RMPScreening is the US EPA Risk Management Program screening rule for
// the distance to 1 psi (6.9 kPa) overpressure, given beside the model's
// own 1 psi distance so a reviewer who knows the guidance can compare.
type RMPScreening struct {
	Method string `json:"method"`
	// TNTMassKg is the charge by the rule: 10 % yield for a flammable
	// substance (whatever yield the run used), the given TNT mass for a
	// condensed explosive.
	TNTMassKg float64 `json:"tntMassKg"`
	// Distance1PsiM is the rule's distance to 1 psi, m.
	Distance1PsiM float64 `json:"distance1PsiM"`
	// KingeryBulmash1PsiM is this model's distance to 1 psi for the same
	// charge as the run, m.
	KingeryBulmash1PsiM float64 `json:"kingeryBulmash1PsiM"`
}

// rmpMethod is the rule in words.
const rmpMethod = "美国 EPA 风险管理计划（RMP）场外后果分析指南（EPA 550-B-99-009）附录 C 式 C-1 的筛查规则：" +
	"X = 17·(0.1·W·ΔHc/ΔHc,TNT)^⅓（X 为到 1 psi 超压的距离，m；W 为可燃物质量，kg；产率固定为 10%）"

// ScreenRMP is the RMP rule's 1 psi distance for the run's inputs and
// this model's 1 psi distance for the run's charge w (kg TNT).
func ScreenRMP(in ExplosionInputs, w float64) (RMPScreening, error) {
	s := RMPScreening{Method: rmpMethod, TNTMassKg: in.TNTMassKg}
	if in.TNTMassKg == 0 {
		s.TNTMassKg = TNTEquivalentKg(in.FlammableMassKg, in.HeatOfCombustionJPerKg, RMPYield)
	}
	s.Distance1PsiM = rmpScaledDistance1Psi * math.Cbrt(s.TNTMassKg)
	r, err := RadiusForOverpressureM(w, PSI)
	s.KingeryBulmash1PsiM = r
	return s, err
}
