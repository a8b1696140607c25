/*
 * Sum or max of a dense [outer, n, inner] array along its middle axis. Max follows Math.max (NaN wins).
 * Build option: REDUCE_WG, the work-group size of reduce_rows (a power of two).
 */

inline real_t reduce_identity(int is_max) { return is_max ? -INFINITY : 0.0f; }

inline real_t reduce_combine(int is_max, real_t a, real_t b) { return is_max ? java_max(a, b) : a + b; }

/* inner == 1: one work-group per row; work-items fold strided slices of the row, then a tree in local memory. */
__kernel __attribute__((reqd_work_group_size(REDUCE_WG, 1, 1)))
void reduce_rows(__global real_t* out, __global const real_t* x, int n, int is_max) {
    __local real_t part[REDUCE_WG];
    const int row = get_group_id(0), t = get_local_id(0);
    __global const real_t* r = x + (size_t) row * n;
    real_t acc = reduce_identity(is_max);
    for (int j = t; j < n; j += REDUCE_WG) acc = reduce_combine(is_max, acc, r[j]);
    part[t] = acc;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = REDUCE_WG / 2; s > 0; s >>= 1) {
        if (t < s) part[t] = reduce_combine(is_max, part[t], part[t + s]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (t == 0) out[row] = part[0];
}

/*
 * One work-item per output of [outer, parts, inner], parts = ceil(n / chunk): item (o, s, i) folds rows
 * [s*chunk, (s+1)*chunk) of column i. Neighbouring items read neighbouring columns. With parts > 1 this is the
 * first pass of a two-pass reduction (long axis, few outputs).
 */
__kernel void reduce_cols(__global real_t* out, __global const real_t* x, int total, int n, int inner,
                          int chunk, int parts, int is_max) {
    if (get_global_id(0) >= (size_t) total) return;
    const int gid = (int) get_global_id(0);
    const int i = gid % inner, rest = gid / inner;
    const int s = rest % parts, o = rest / parts;
    const int j0 = s * chunk, j1 = min(n, j0 + chunk);
    __global const real_t* p = x + ((size_t) o * n + j0) * inner + i;
    real_t acc = reduce_identity(is_max);
    for (int j = j0; j < j1; j++, p += inner) acc = reduce_combine(is_max, acc, *p);
    out[gid] = acc;
}
