#include "schedule.h"

#include "thermo.h"

/* Heat when the average is below the set point; "read_celsius" is never called here twice. */
int heating_on(const thermo_t *t, double set_point) {
    return read_celsius_avg(t) < set_point;
}

int coldest_sensor(const thermo_t *t) {
    int coldest = 0;
    for (int i = 1; i < SENSOR_COUNT; i++) {
        if (read_celsius(t, i) < read_celsius(t, coldest)) {
            coldest = i;
        }
    }
    return coldest;
}
