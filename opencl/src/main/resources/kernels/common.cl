/*
 * Shared by every program (the host prepends it). Element type and tile sizes come as -D build options.
 *
 * Strided views: up to 8 axes, right-aligned in int8 vectors (component s7 is the innermost axis, unused leading
 * axes have extent 1 and stride 0). The host drops extent-1 axes and merges axes that every operand walks
 * contiguously first, so dense data arrives as rank 1 and needs no division at all.
 *
 * One-item-per-element kernels run on a grid padded to whole work-groups; they compare get_global_id(0) with
 * their size as size_t before narrowing it to int, so the padding never wraps back into range.
 */
#ifndef real_t
#define real_t float
#endif

#define STRIDED_AXIS(c) { int q = i / shape.c; int r = i - q * shape.c; o += r * st.c; i = q; }
#define STRIDED_AXIS2(c) { int q = i / shape.c; int r = i - q * shape.c; o.x += r * sa.c; o.y += r * sb.c; i = q; }

/* Storage offset (from the view's own offset) of the element with row-major index i. */
inline int strided1(int i, int rank, int8 shape, int8 st) {
    if (rank <= 1) return i * st.s7;
    int o = 0;
    STRIDED_AXIS(s7) STRIDED_AXIS(s6)
    if (rank > 2) { STRIDED_AXIS(s5)
    if (rank > 3) { STRIDED_AXIS(s4)
    if (rank > 4) { STRIDED_AXIS(s3)
    if (rank > 5) { STRIDED_AXIS(s2)
    if (rank > 6) { STRIDED_AXIS(s1)
    if (rank > 7) { STRIDED_AXIS(s0) } } } } } }
    return o;
}

/* The same for two views of one shape: (offset in a, offset in b). */
inline int2 strided2(int i, int rank, int8 shape, int8 sa, int8 sb) {
    if (rank <= 1) return (int2)(i * sa.s7, i * sb.s7);
    int2 o = (int2)(0, 0);
    STRIDED_AXIS2(s7) STRIDED_AXIS2(s6)
    if (rank > 2) { STRIDED_AXIS2(s5)
    if (rank > 3) { STRIDED_AXIS2(s4)
    if (rank > 4) { STRIDED_AXIS2(s3)
    if (rank > 5) { STRIDED_AXIS2(s2)
    if (rank > 6) { STRIDED_AXIS2(s1)
    if (rank > 7) { STRIDED_AXIS2(s0) } } } } } }
    return o;
}

/* Java's Math.max/min: NaN wins, and +0 is larger than -0 (OpenCL's fmax leaves both open). */
inline real_t java_max(real_t a, real_t b) {
    if (isnan(a) || isnan(b)) return NAN;
    if (a == b) return signbit(a) ? b : a;
    return a > b ? a : b;
}

inline real_t java_min(real_t a, real_t b) {
    if (isnan(a) || isnan(b)) return NAN;
    if (a == b) return signbit(a) ? a : b;
    return a < b ? a : b;
}
