package warnings

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// parsedCAP reads back what CAP() wrote, independently of capAlert.
type parsedCAP struct {
	XMLName    xml.Name `xml:"urn:oasis:names:tc:emergency:cap:1.2 alert"`
	Identifier string   `xml:"identifier"`
	Sender     string   `xml:"sender"`
	Sent       string   `xml:"sent"`
	Status     string   `xml:"status"`
	MsgType    string   `xml:"msgType"`
	Scope      string   `xml:"scope"`
	References string   `xml:"references"`
	Info       []struct {
		Language    string   `xml:"language"`
		Category    []string `xml:"category"`
		Severity    string   `xml:"severity"`
		Urgency     string   `xml:"urgency"`
		Onset       string   `xml:"onset"`
		Expires     string   `xml:"expires"`
		SenderName  string   `xml:"senderName"`
		Headline    string   `xml:"headline"`
		Description string   `xml:"description"`
		Instruction string   `xml:"instruction"`
		Parameter   []struct {
			Name  string `xml:"valueName"`
			Value string `xml:"value"`
		} `xml:"parameter"`
		Area []struct {
			AreaDesc string   `xml:"areaDesc"`
			Polygon  []string `xml:"polygon"`
		} `xml:"area"`
	} `xml:"info"`
}

func capOf(t *testing.T, w Warning) ([]byte, parsedCAP) {
	t.Helper()
	b, err := w.CAP()
	if err != nil {
		t.Fatal(err)
	}
	var p parsedCAP
	if err := xml.Unmarshal(b, &p); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if len(p.Info) != 1 || len(p.Info[0].Area) != 1 {
		t.Fatalf("want one info with one area:\n%s", b)
	}
	return b, p
}

// history returns an Alert, the Update that raises it to red, and the Cancel.
func history(t *testing.T, drill bool) (Warning, Warning, Warning) {
	d := draft(t)
	d.Drill = drill
	first, err := New("duty_officer", d)
	if err != nil {
		t.Fatal(err)
	}
	next := draft(t)
	next.Drill = drill
	s := stamp(t, t0.Add(90*time.Minute), 1)
	next.Identifier, next.IssuedAt = s.Identifier, s.IssuedAt
	next.Level, next.Authority = Red, DefaultAuthority(Red)
	next.Area = Area{sampleRing(), {{87.3, 43.4}, {87.35, 43.4}, {87.35, 43.45}, {87.3, 43.4}}}
	second, _, err := first.Adjust("commander", next)
	if err != nil {
		t.Fatal(err)
	}
	cancel, _, err := second.Lift("admin", stamp(t, t0.Add(5*time.Hour), 0), "", "泄漏已控制，危险解除")
	if err != nil {
		t.Fatal(err)
	}
	return first, second, cancel
}

// TestCAPValidatesAgainstXSD runs every message kind through xmllint with the
// OASIS CAP 1.2 schema in testdata. It fails, never skips, without xmllint:
// the issue is done only when the output is shown to validate.
func TestCAPValidatesAgainstXSD(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint not found: CAP schema validation needs it; install Debian package libxml2-utils (apt-get install -y libxml2-utils)")
	}
	xsd, err := filepath.Abs(filepath.Join("testdata", "CAP-v1.2.xsd"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, drill := range []bool{false, true} {
		a, u, c := history(t, drill)
		for _, w := range []Warning{a, u, c} {
			name := string(w.MsgType)
			if drill {
				name += "-drill"
			}
			b, err := w.CAP()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, name+".xml")
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", xsd, path).CombinedOutput()
			if err != nil {
				t.Errorf("%s does not validate against CAP 1.2: %v\n%s\n%s", name, err, out, b)
			}
		}
	}
}

// The schema check must be able to fail: a broken document is rejected.
func TestXSDRejectsBrokenCAP(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint not found: install Debian package libxml2-utils (apt-get install -y libxml2-utils)")
	}
	w, err := New("duty_officer", draft(t))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := w.CAP()
	broken := strings.Replace(string(b), "<status>Actual</status>", "<status>Real</status>", 1)
	path := filepath.Join(t.TempDir(), "broken.xml")
	if err := os.WriteFile(path, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command(xmllint, "--noout", "--nonet", "--schema", filepath.Join("testdata", "CAP-v1.2.xsd"), path).Run(); err == nil {
		t.Fatal("xmllint accepted status Real")
	}
}

func TestCAPLatLonOrderAndClosure(t *testing.T) {
	_, u, _ := history(t, false)
	_, p := capOf(t, u)
	polys := p.Info[0].Area[0].Polygon
	if len(polys) != 2 {
		t.Fatalf("want 2 polygons, got %q", polys)
	}
	want := "43.5,87.4 43.5,87.5 43.6,87.5 43.6,87.4 43.5,87.4"
	if polys[0] != want {
		t.Errorf("polygon = %q, want %q", polys[0], want)
	}
	for _, poly := range polys {
		pairs := strings.Fields(poly)
		if len(pairs) < 4 || pairs[0] != pairs[len(pairs)-1] {
			t.Errorf("polygon not closed: %q", poly)
		}
		for _, pair := range pairs {
			latS, lonS, ok := strings.Cut(pair, ",")
			lat, err1 := strconv.ParseFloat(latS, 64)
			lon, err2 := strconv.ParseFloat(lonS, 64)
			if !ok || err1 != nil || err2 != nil || lat < 43 || lat > 44 || lon < 87 || lon > 88 {
				t.Errorf("pair %q is not lat,lon near 43.5N 87.4E", pair)
			}
		}
	}
}

// An open ring that got past validation is still published closed.
func TestCAPPolygonClosesOpenRing(t *testing.T) {
	got := Area{{{87.4, 43.5}, {87.5, 43.5}, {87.5, 43.6}}}.capPolygons()
	if want := "43.5,87.4 43.5,87.5 43.6,87.5 43.5,87.4"; len(got) != 1 || got[0] != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCAPHeaderAndTimes(t *testing.T) {
	a, _, _ := history(t, false)
	b, p := capOf(t, a)
	if !strings.HasPrefix(string(b), `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Error("missing XML declaration")
	}
	if p.Status != "Actual" || p.MsgType != "Alert" || p.Scope != "Public" || p.References != "" {
		t.Errorf("alert head = %s %s %s %q", p.Status, p.MsgType, p.Scope, p.References)
	}
	if p.Sent != "2025-06-01T10:00:00+08:00" {
		t.Errorf("sent = %s", p.Sent)
	}
	capTime := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$`)
	in := p.Info[0]
	for _, s := range []string{p.Sent, in.Onset, in.Expires} {
		if !capTime.MatchString(s) {
			t.Errorf("%q is not CAP dateTime in Beijing time", s)
		}
	}
	if in.Expires != "2025-06-02T10:00:00+08:00" {
		t.Errorf("expires = %s", in.Expires)
	}
	if in.Language != "zh-CN" || in.Severity != "Moderate" || in.Urgency != "Expected" {
		t.Errorf("info = %s %s %s", in.Language, in.Severity, in.Urgency)
	}
	if strings.Join(in.Category, ",") != "CBRNE,Safety" {
		t.Errorf("category = %v", in.Category)
	}
	if in.SenderName != AuthorityOffice || in.Headline != AuthorityOffice+"发布危险化学品黄色预警" {
		t.Errorf("senderName %q headline %q", in.SenderName, in.Headline)
	}
	if in.Instruction != "1. 周边1公里内人员做好疏散准备\n2. 禁止无关车辆进入" {
		t.Errorf("instruction = %q", in.Instruction)
	}
	for _, s := range []string{"事件类别：危险化学品", "预警级别：黄色预警（Ⅲ级，较重）",
		"预警起始时间：2025-06-01 10:00 北京时间", "发布机关：" + AuthorityOffice} {
		if !strings.Contains(in.Description, s) {
			t.Errorf("description lacks %q:\n%s", s, in.Description)
		}
	}
	if len(in.Parameter) == 0 || in.Parameter[0].Name != "预警级别" || in.Parameter[0].Value != "黄色预警（Ⅲ级，较重）" {
		t.Errorf("parameter = %+v", in.Parameter)
	}
}

func TestCAPSeverityPerLevel(t *testing.T) {
	want := map[Level]string{Blue: "Minor", Yellow: "Moderate", Orange: "Severe", Red: "Extreme"}
	for l, sev := range want {
		w := draft(t)
		w.Level, w.Authority = l, DefaultAuthority(l)
		w, err := New("admin", w)
		if err != nil {
			t.Fatal(err)
		}
		_, p := capOf(t, w)
		if p.Info[0].Severity != sev {
			t.Errorf("%s → %s, want %s", l, p.Info[0].Severity, sev)
		}
	}
}

func TestCAPUpdateAndCancelCarryReferences(t *testing.T) {
	a, u, c := history(t, false)
	_, pu := capOf(t, u)
	if pu.MsgType != "Update" {
		t.Errorf("msgType = %s", pu.MsgType)
	}
	refA := a.Sender + "," + a.Identifier + ",2025-06-01T10:00:00+08:00"
	if pu.References != refA {
		t.Errorf("update references = %q, want %q", pu.References, refA)
	}
	if pu.Info[0].Severity != "Extreme" || pu.Info[0].Urgency != "Immediate" {
		t.Errorf("update severity/urgency = %s/%s", pu.Info[0].Severity, pu.Info[0].Urgency)
	}
	if !strings.Contains(pu.Info[0].Headline, "调整") || pu.Info[0].SenderName != AuthorityHQ {
		t.Errorf("update headline %q sender %q", pu.Info[0].Headline, pu.Info[0].SenderName)
	}

	_, pc := capOf(t, c)
	refU := u.Sender + "," + u.Identifier + ",2025-06-01T11:30:00+08:00"
	if pc.MsgType != "Cancel" || pc.References != refA+" "+refU {
		t.Errorf("cancel %s references %q", pc.MsgType, pc.References)
	}
	if pc.Info[0].Expires != "" || pc.Info[0].Urgency != "Past" || !strings.Contains(pc.Info[0].Headline, "解除") {
		t.Errorf("cancel info = %+v", pc.Info[0])
	}
	if !strings.Contains(pc.Info[0].Description, "泄漏已控制") {
		t.Errorf("cancel description = %q", pc.Info[0].Description)
	}
}

func TestCAPDrillIsExercise(t *testing.T) {
	a, u, c := history(t, true)
	for _, w := range []Warning{a, u, c} {
		b, p := capOf(t, w)
		if p.Status != "Exercise" {
			t.Errorf("%s: status %s, want Exercise", w.MsgType, p.Status)
		}
		in := p.Info[0]
		for _, s := range []string{in.Headline, in.Description, in.Instruction} {
			if !strings.HasPrefix(s, drillMark) {
				t.Errorf("%s: drill text without %s: %q", w.MsgType, drillMark, s)
			}
		}
		if !strings.Contains(string(b), "<note>") {
			t.Errorf("%s: drill without <note>", w.MsgType)
		}
	}
	real, _, _ := history(t, false)
	_, p := capOf(t, real)
	if p.Status != "Actual" {
		t.Errorf("real warning status %s", p.Status)
	}
}

func TestCAPRefusesInvalid(t *testing.T) {
	w := draft(t)
	w.Items = nil
	if _, err := w.CAP(); err == nil {
		t.Fatal("CAP of an invalid warning")
	}
}

func TestCAPEscapesText(t *testing.T) {
	w := draft(t)
	w.AreaDesc = `A&B <村> "东沟"`
	w, err := New("duty_officer", w)
	if err != nil {
		t.Fatal(err)
	}
	_, p := capOf(t, w)
	if p.Info[0].Area[0].AreaDesc != `A&B <村> "东沟"` {
		t.Errorf("areaDesc = %q", p.Info[0].Area[0].AreaDesc)
	}
}
