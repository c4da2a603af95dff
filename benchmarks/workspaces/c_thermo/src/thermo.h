#ifndef THERMO_H
#define THERMO_H

#define SENSOR_COUNT 4

typedef struct {
    int raw[SENSOR_COUNT];
} thermo_t;

double read_celsius(const thermo_t *t, int sensor);
double read_celsius_avg(const thermo_t *t);
int read_celsius_all(const thermo_t *t, double *out);

#endif
