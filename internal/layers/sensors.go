package layers

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/api"
	"sitrep/internal/journal"
	"sitrep/internal/registry"
	"sitrep/internal/sensorstore"
	"sitrep/sensors"
)

// Sensors is the layer of instruments at the hazard sources (plan 3.1.2):
// what each measures, in which unit, and its set points; package sensors
// holds the rules, internal/sensorstore the readings and alarms.
var Sensors = (&registry.Layer{
	Name:        "sensors",
	Table:       "sensors",
	Title:       "监测传感器",
	Geometries:  []string{"Point"},
	GeometryDoc: "传感器安装位置",
	Fields: []registry.Field{
		{Name: "code", Title: "位号", Kind: registry.Text, MaxLen: 64, Doc: "仪表位号（如 GT-101），本图层内唯一；网关以编号或位号报送读数"},
		{Name: "name", Title: "名称", Kind: registry.Text, Required: true},
		{Name: "hazard_source_id", Title: "所属重大危险源", Kind: registry.Integer, Required: true, Filter: true, Doc: "重大危险源图层中的编号"},
		{Name: "kind", Title: "监测类型", Kind: registry.Text, Required: true, Enum: sensors.Kinds(), EnumLabel: sensors.KindLabel, Filter: true},
		{Name: "unit", Title: "单位", Kind: registry.Text, Required: true, Enum: sensors.Units(), EnumLabel: sensors.UnitLabel, Doc: "读数须以此单位报送，不做换算"},
		{Name: "range_min", Title: "量程下限", Kind: registry.Number},
		{Name: "range_max", Title: "量程上限", Kind: registry.Number, Required: true},
		{Name: "warn_high", Title: "一级报警值（高）", Kind: registry.Number},
		{Name: "alarm_high", Title: "二级报警值（高）", Kind: registry.Number},
		{Name: "warn_low", Title: "一级报警值（低）", Kind: registry.Number},
		{Name: "alarm_low", Title: "二级报警值（低）", Kind: registry.Number},
		{Name: "hold_s", Title: "报警延时（秒）", Kind: registry.Integer, NonNegative: true, Doc: "达到报警值并持续此时长才报警"},
		{Name: "deadband", Title: "回差", Kind: registry.Number, NonNegative: true, Doc: "读数回到报警值以内超过回差才解除；不填时按监测类型取量程的一定比例"},
		{Name: "stale_after_s", Title: "失联判定（秒）", Kind: registry.Integer, NonNegative: true, Doc: "超过此时长没有读数即报失联；不填为 300 秒"},
		{Name: "out_of_service", Title: "停用", Kind: registry.Boolean, Filter: true, Doc: "停用的传感器不报警，也不判失联"},
		{Name: "synthetic", Title: "演示数据（虚构）", Kind: registry.Boolean, Filter: true},
	},
	Unique: []registry.Unique{{Constraint: "sensors_code_key", Fields: []string{"code"}}},
	Hooks:  registry.Hooks{Check: checkSensor, Prepare: prepareSensor, AfterChange: sensorChanged},
}).Init()

// SensorDefinition is the rules' view of a sensor's validated properties.
func SensorDefinition(v map[string]any) sensors.Definition {
	num := func(name string) *float64 {
		if f, ok := v[name].(float64); ok {
			return &f
		}
		return nil
	}
	secs := func(name string) time.Duration {
		if i, ok := v[name].(int64); ok {
			return time.Duration(i) * time.Second
		}
		return 0
	}
	d := sensors.Definition{WarnHigh: num("warn_high"), AlarmHigh: num("alarm_high"),
		WarnLow: num("warn_low"), AlarmLow: num("alarm_low"), Deadband: num("deadband"),
		Hold: secs("hold_s"), StaleAfter: secs("stale_after_s")}
	k, _ := v["kind"].(string)
	u, _ := v["unit"].(string)
	d.Kind, d.Unit = sensors.Kind(k), sensors.Unit(u)
	if p := num("range_min"); p != nil {
		d.RangeMin = *p
	}
	if p := num("range_max"); p != nil {
		d.RangeMax = *p
	}
	return d
}

// checkSensor applies the rules' checks of a definition: unit of the kind,
// range, set points in order with the deadband clear between them.
func checkSensor(in *registry.Input) []api.FieldError {
	d := SensorDefinition(in.Values)
	var out []api.FieldError
	for _, e := range d.Check() {
		e.Field = "/properties/" + e.Field
		out = append(out, e)
	}
	return out
}

// prepareSensor fills what an absent field means (a range from 0, no hold)
// and checks, under a key-share lock that keeps it from being
// deleted until the write commits, that the hazard source exists.
func prepareSensor(ctx context.Context, tx pgx.Tx, in *registry.Input) error {
	for name, v := range map[string]any{"range_min": 0.0, "hold_s": int64(0)} {
		if in.Values[name] == nil {
			in.Values[name] = v
		}
	}
	id, _ := in.Values["hazard_source_id"].(int64)
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM hazard_sources WHERE id = $1 FOR KEY SHARE`, id).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return api.InvalidField("/properties/hazard_source_id", "没有此编号的重大危险源")
	}
	return err
}

// sensorChanged closes the open alarms of a sensor deleted or taken out of
// service: nobody watches it any more, and its alarms would stand forever.
func sensorChanged(ctx context.Context, tx pgx.Tx, _ journal.Actor, id int64, action string) ([]journal.Change, error) {
	if action == "delete" {
		return sensorstore.CloseForSensor(ctx, tx, id, "传感器已删除")
	}
	var out bool
	if err := tx.QueryRow(ctx, `SELECT out_of_service FROM sensors WHERE id = $1`, id).Scan(&out); err != nil {
		return nil, err
	}
	if !out {
		return nil, nil
	}
	return sensorstore.CloseForSensor(ctx, tx, id, "传感器已停用")
}
