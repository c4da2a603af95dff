#include <math.h>
#include <stdio.h>

#include "schedule.h"
#include "thermo.h"

static int passed = 0;
static int failed = 0;

static void check(const char *what, double expected, double actual) {
    if (fabs(expected - actual) < 1e-9) {
        passed++;
    } else {
        failed++;
        printf("FAIL %s: expected %g, got %g\n", what, expected, actual);
    }
}

int main(void) {
    thermo_t t = {{600, 650, 550, 610}};
    double all[SENSOR_COUNT];
    check("read_celsius", 20.0, read_celsius(&t, 0));
    check("read_celsius out of range", -273.15, read_celsius(&t, 9));
    check("read_celsius_all", SENSOR_COUNT, read_celsius_all(&t, all));
    check("read_celsius_all[2]", 15.0, all[2]);
    check("read_celsius_avg", 20.25, read_celsius_avg(&t));
    check("heating_on", 1, heating_on(&t, 21.0));
    check("coldest_sensor", 2, coldest_sensor(&t));
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
