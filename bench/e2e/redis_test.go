package main

import (
	"testing"
)

func TestParseCommandStats(t *testing.T) {
	t.Parallel()
	info := "# Commandstats\r\n" +
		"cmdstat_evalsha:calls=10,usec=300,usec_per_call=30.00,rejected_calls=0,failed_calls=0\r\n" +
		"cmdstat_hgetall:calls=10,usec=50,usec_per_call=5.00,rejected_calls=0,failed_calls=0\r\n" +
		"cmdstat_config|resetstat:calls=1,usec=9,usec_per_call=9.00,rejected_calls=0,failed_calls=0\r\n" +
		"cmdstat_info:calls=2,usec=40,usec_per_call=20.00,rejected_calls=0,failed_calls=0\r\n"
	st, err := parseCommandStats(info)
	if err != nil {
		t.Fatalf("parseCommandStats: %v", err)
	}
	if st.calls != 20 || st.usec != 350 {
		t.Errorf("calls, usec = %d, %d; want 20, 350 (the driver's INFO and CONFIG left out)", st.calls, st.usec)
	}
	if st.byCommand["evalsha"] != (commandStat{10, 300}) || st.byCommand["hgetall"] != (commandStat{10, 50}) || len(st.byCommand) != 2 {
		t.Errorf("byCommand = %v; want evalsha {10 300}, hgetall {10 50}", st.byCommand)
	}
	if _, err := parseCommandStats("cmdstat_get:calls=x,usec=1\r\n"); err == nil {
		t.Error("parseCommandStats of a malformed line succeeded; want an error")
	}
}

func TestCPUMicros(t *testing.T) {
	t.Parallel()
	got, err := cpuMicros(infoFields("# CPU\r\nused_cpu_sys:1.500000\r\nused_cpu_user:0.250000\r\n"))
	if err != nil || got != 1.75e6 {
		t.Errorf("cpuMicros = %v, %v; want 1.75e6, nil", got, err)
	}
	if _, err := cpuMicros(infoFields("used_cpu_sys:1\r\n")); err == nil {
		t.Error("cpuMicros without used_cpu_user succeeded; want an error")
	}
}
