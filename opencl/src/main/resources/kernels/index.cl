/* Row gathers and their adjoint. Index arrays are validated on the host. */

/* out[r, j] = table[ids[r], j] for a dense [rows, width] table. */
__kernel void gather_rows(__global real_t* out, __global const real_t* table, __global const int* ids,
                          int width, int total) {
    if (get_global_id(0) >= (size_t) total) return;
    const int gid = (int) get_global_id(0);
    const int r = gid / width, j = gid - r * width;
    out[gid] = table[ids[r] * width + j];
}

/*
 * out[dest[u], j] = sum of src[order[s], j] for s in [starts[u], starts[u+1]): each destination row is summed by
 * one work-item per column, over its sources in ascending order (the reference loop's order), so duplicates need
 * no atomics and results are deterministic. meta holds dest (U), starts (U + 1), order, back to back.
 */
__kernel void scatter_add_rows(__global real_t* out, __global const real_t* src, __global const int* meta,
                               int unique, int width, int total) {
    if (get_global_id(0) >= (size_t) total) return;
    const int gid = (int) get_global_id(0);
    const int u = gid / width, j = gid - u * width;
    __global const int* starts = meta + unique;
    __global const int* order = meta + 2 * unique + 1;
    real_t acc = 0.0f;
    for (int s = starts[u]; s < starts[u + 1]; s++) acc += src[order[s] * width + j];
    out[meta[u] * width + j] = acc;
}
