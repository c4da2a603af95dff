#ifndef SCHEDULE_H
#define SCHEDULE_H

#include "thermo.h"

int heating_on(const thermo_t *t, double set_point);
int coldest_sensor(const thermo_t *t);

#endif
