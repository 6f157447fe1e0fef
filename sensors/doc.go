// Package sensors is the rule set that turns the instruments at a major
// hazard source into alarms (plan 3.1.2 monitoring, 3.2 warning from what
// monitoring shows): gas detectors (toxic in ppm or mg/m³, flammable in
// %LEL), oxygen, tank level, pressure and temperature.
//
// It holds no database and no clock: every time comes from the readings or
// from the caller, so the rules are tested with a clock the test owns.
//
//   - What a sensor is (Definition): its kind, the one unit it reports in,
//     its measuring range, its set points and hold time, its deadband and
//     how long it may be silent. Definitions are checked (Check) before they
//     are stored; readings are checked against them (CheckReading): the
//     unit must be the sensor's (no silent conversion: ppm to mg/m³ needs
//     the molecular weight and the temperature, and a gateway sending the
//     wrong unit is misconfigured), the value inside the measuring range as
//     NAMUR NE 43 allows a 4–20 mA transmitter to signal it (−1.25 % to
//     +3.125 % of the span; beyond is a fault signal, not a measurement).
//   - Two set points per side, after GB/T 50493-2019 (石油化工可燃气体和
//     有毒气体检测报警设计标准) 5.5: a first-stage (一级) and a second-stage
//     (二级) alarm, high and/or low — oxygen alarms low (缺氧) and high
//     (富氧).
//   - A set point reached and held for the hold time raises the alarm (a
//     reading at the set point counts: GB/T 50493 "达到报警设定值"). It
//     steps down or clears only when the value is back past the set point
//     by the deadband, so a value hovering at the line does not flap
//     (ISA-18.2 / EEMUA 191 deadbands; by default a share of the span by
//     kind, DefaultDeadband).
//   - Readings are taken in time order. One older than the newest already
//     evaluated (a gateway's late batch) is kept in the history by the
//     caller but changes no alarm: the alarm is the present state.
//   - A sensor that has sent nothing for its stale time is an alarm of its
//     own (Stale): silence is never read as safe.
package sensors
