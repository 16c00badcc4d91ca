/* physics.c — moves particles under a central force; the hot loop is in
 * step(), with the inlined helpers of vec.h. */
#include "demo.h"
#include "vec.h"
#include <math.h>
#include <stddef.h>

#define NPART 2048

static struct vec pos[NPART], vel[NPART];

__attribute__((noinline)) static double step(double dt)
{
	double energy = 0;
	for (int i = 0; i < NPART; i++) {
		double r2 = vec_dot(pos[i], pos[i]) + 0.01;
		double f = -1.0 / (r2 * sqrt(r2));
		vel[i] = vec_axpy(f * dt, pos[i], vel[i]);
		pos[i] = vec_axpy(dt, vel[i], pos[i]);
		energy += 0.5 * vec_dot(vel[i], vel[i]);
	}
	return energy;
}

void *physics_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < NPART; i++) {
		uint64_t h = demo_hash(i + 1);
		pos[i] = (struct vec){1 + (h & 0xff) / 256.0, ((h >> 8) & 0xff) / 256.0, 0.5};
		vel[i] = (struct vec){0, 1, 0};
	}
	while (!demo_stop)
		demo_sink += (uint64_t)step(1e-4);
	return NULL;
}
