/* Copies a strided view into another strided view of the same shape (densifying, downloads, copyInto). */
__kernel void copy_strided(__global real_t* dst, int d_off, __global const real_t* src, int s_off,
                           int n, int rank, int8 shape, int8 ds, int8 ss) {
    if (get_global_id(0) >= (size_t) n) return;
    int i = (int) get_global_id(0);
    int2 o = strided2(i, rank, shape, ds, ss);
    dst[d_off + o.x] = src[s_off + o.y];
}
