#include "thermo.h"

/* Sensors report tenths of a degree above -40 C. */
static double to_celsius(int raw) {
    return raw / 10.0 - 40.0;
}

double read_celsius(const thermo_t *t, int sensor) {
    if (sensor < 0 || sensor >= SENSOR_COUNT) {
        return -273.15;
    }
    return to_celsius(t->raw[sensor]);
}

int read_celsius_all(const thermo_t *t, double *out) {
    for (int i = 0; i < SENSOR_COUNT; i++) {
        out[i] = read_celsius(t, i);
    }
    return SENSOR_COUNT;
}

double read_celsius_avg(const thermo_t *t) {
    double sum = 0;
    for (int i = 0; i < SENSOR_COUNT; i++) {
        sum += read_celsius(t, i);
    }
    return sum / SENSOR_COUNT;
}
