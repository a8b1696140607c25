/*
 * Batched C = op(A) * op(B), C dense [batch, m, n]. op(A) is m x k: A is m x k row-major with leading dimension
 * lda, or when trans_a the k x m matrix to transpose (likewise B, k x n or n x k). Batch b of A starts at
 * a_off + b * a_bstride. The trans flags are uniform runtime arguments, so one program serves all four cases.
 *
 * Build options: TSM, TSN (tile of C per work-group), TSK (k-slab per step), WPTM, WPTN (register block of C per
 * work-item). The work-group is (TSN / WPTN) x (TSM / WPTM) items. TSM, TSN and TSK are multiples of 4.
 */

#define RTSM (TSM / WPTM)
#define RTSN (TSN / WPTN)
#define GEMM_WG (RTSM * RTSN)

/*
 * Copies a TSK x W slab of op(X) (k along rows, W columns along m or n) into local memory, zero-padded past
 * the matrix edges. X is stored as lines of contiguous elements: when k_major a line is one slab row (W long),
 * else one slab column (TSK long). Work-items move float4 chunks of lines; vload4 needs only float alignment.
 */
inline void load_slab(__local real_t* slab, const int W, __global const real_t* x, int ld, int k_major,
                      int line0, int lines, int elem0, int elems, int tid) {
    const int per_line = (k_major ? W : TSK) / 4;
    for (int c = tid; c < TSK * W / 4; c += GEMM_WG) {
        const int line = c / per_line, e = (c - line * per_line) * 4;
        const int q = line0 + line, r = elem0 + e;
        float4 v = (float4)(0.0f);
        if (q < lines) {
            __global const real_t* p = x + q * ld + r;
            if (r + 4 <= elems) {
                v = vload4(0, p);
            } else {
                if (r < elems) v.s0 = p[0];
                if (r + 1 < elems) v.s1 = p[1];
                if (r + 2 < elems) v.s2 = p[2];
            }
        }
        if (k_major) {
            vstore4(v, 0, slab + line * W + e);
        } else {
            slab[e * W + line] = v.s0;
            slab[(e + 1) * W + line] = v.s1;
            slab[(e + 2) * W + line] = v.s2;
            slab[(e + 3) * W + line] = v.s3;
        }
    }
}

/* Tiled product: local-memory slabs of op(A) and op(B), a WPTM x WPTN block of C in registers per work-item. */
__kernel __attribute__((reqd_work_group_size(RTSN, RTSM, 1)))
void gemm_tiled(__global const real_t* A, int a_off, int a_bstride, int lda, int trans_a,
                __global const real_t* B, int b_off, int b_bstride, int ldb, int trans_b,
                __global real_t* C, int m, int n, int k) {
    __local real_t As[TSK * TSM];
    __local real_t Bs[TSK * TSN];
    const int tn = get_local_id(0), tm = get_local_id(1), tid = tm * RTSN + tn;
    const int n0 = get_group_id(0) * TSN, m0 = get_group_id(1) * TSM, batch = get_group_id(2);
    A += a_off + batch * a_bstride;
    B += b_off + batch * b_bstride;
    C += (size_t) batch * m * n;

    real_t acc[WPTM][WPTN];
    for (int wm = 0; wm < WPTM; wm++)
        for (int wn = 0; wn < WPTN; wn++) acc[wm][wn] = 0.0f;

    for (int k0 = 0; k0 < k; k0 += TSK) {
        if (trans_a) load_slab(As, TSM, A, lda, 1, k0, k, m0, m, tid);
        else load_slab(As, TSM, A, lda, 0, m0, m, k0, k, tid);
        if (trans_b) load_slab(Bs, TSN, B, ldb, 0, n0, n, k0, k, tid);
        else load_slab(Bs, TSN, B, ldb, 1, k0, k, n0, n, tid);
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int p = 0; p < TSK; p++) {
            real_t a[WPTM], b[WPTN];
            /* Items of a row read neighbouring addresses: no bank conflicts. */
            for (int wm = 0; wm < WPTM; wm++) a[wm] = As[p * TSM + tm + wm * RTSM];
            for (int wn = 0; wn < WPTN; wn++) b[wn] = Bs[p * TSN + tn + wn * RTSN];
            for (int wm = 0; wm < WPTM; wm++)
                for (int wn = 0; wn < WPTN; wn++) acc[wm][wn] = fma(a[wm], b[wn], acc[wm][wn]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    for (int wm = 0; wm < WPTM; wm++) {
        const int i = m0 + tm + wm * RTSM;
        if (i >= m) break;
        for (int wn = 0; wn < WPTN; wn++) {
            const int j = n0 + tn + wn * RTSN;
            if (j < n) C[i * n + j] = acc[wm][wn];
        }
    }
}

/* One work-item per element of C: for small, thin (m == 1) or odd shapes, where tiles would sit mostly empty. */
__kernel void gemm_direct(__global const real_t* A, int a_off, int a_bstride, int lda, int trans_a,
                          __global const real_t* B, int b_off, int b_bstride, int ldb, int trans_b,
                          __global real_t* C, int m, int n, int k, int total) {
    if (get_global_id(0) >= (size_t) total) return;
    const int gid = (int) get_global_id(0);
    const int j = gid % n, rest = gid / n;
    const int i = rest % m, batch = rest / m;
    /* op(A)(i, p) = A[ai + p * as], op(B)(p, j) = B[bj + p * bs] */
    __global const real_t* a = A + a_off + batch * a_bstride + (trans_a ? i : i * lda);
    __global const real_t* b = B + b_off + batch * b_bstride + (trans_b ? j * ldb : j);
    const int as = trans_a ? lda : 1, bs = trans_b ? 1 : ldb;
    real_t acc = 0.0f;
    for (int p = 0; p < k; p++) acc = fma(a[p * as], b[p * bs], acc);
    C[gid] = acc;
}
