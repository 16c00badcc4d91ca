/* vec.h — tiny 3-vector helpers, always inlined into their callers. */
#ifndef VEC_H
#define VEC_H

struct vec {
	double x, y, z;
};

static inline __attribute__((always_inline)) struct vec vec_axpy(double a, struct vec x,
								 struct vec y)
{
	return (struct vec){a * x.x + y.x, a * x.y + y.y, a * x.z + y.z};
}

static inline __attribute__((always_inline)) double vec_dot(struct vec a, struct vec b)
{
	return a.x * b.x + a.y * b.y + a.z * b.z;
}
#endif
