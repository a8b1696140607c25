/*
 * Unary and binary element-wise ops over strided views, into a dense output. The op is a uniform runtime
 * argument (one program serves every op); its codes U_<NAME> / B_<NAME> are -D options made from the Java enums.
 * Each case reproduces the reference semantics of reveal.engine.UnaryOp / BinaryOp in float.
 */

/* Math.pow: unlike C's pow, 1^NaN and (+-1)^(+-inf) are NaN. */
inline real_t java_pow(real_t a, real_t b) {
    return isnan(b) || (fabs(a) == 1.0f && isinf(b)) ? NAN : pow(a, b);
}

inline real_t unary_op(int op, real_t x, real_t c) {
    switch (op) {
    case U_NEG: return -x;
    case U_EXP: return exp(x);
    case U_LOG: return log(x);
    case U_SQRT: return sqrt(x);
    case U_RSQRT: return rsqrt(x);
    case U_TANH: return tanh(x);
    case U_SIGMOID: return 1.0f / (1.0f + exp(-x));
    case U_RELU: return x > 0.0f ? x : 0.0f;
    case U_STEP: return x > 0.0f ? 1.0f : 0.0f;
    case U_ERF: return erf(x);
    /* x * Phi(x) with Phi(x) = erfc(-x / sqrt 2) / 2: erfc keeps the far negative tail that 1 + erf rounds to 0. */
    case U_GELU: return 0.5f * x * erfc(-x * M_SQRT1_2_F);
    /* 0.5 x (1 + tanh u) written as x / (1 + exp(-2u)): the same function, but exact 0 in the far negative tail,
       where a driver's tanh may stop an ulp short of -1. */
    case U_GELU_TANH: return x / (1.0f + exp(-1.5957691216057308f * (x + 0.044715f * x * x * x)));
    case U_SILU: return x / (1.0f + exp(-x));
    case U_ABS: return fabs(x);
    /* Math.signum: +-1, and zeros and NaN unchanged (OpenCL's sign maps NaN to 0). */
    case U_SIGN: return x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x;
    case U_RECIP: return 1.0f / x;
    case U_SQUARE: return x * x;
    case U_ADD_SCALAR: return x + c;
    case U_MUL_SCALAR: return x * c;
    case U_POW_SCALAR: return java_pow(x, c);
    case U_GT_SCALAR: return x > c ? 1.0f : 0.0f;
    default: return NAN;
    }
}

inline real_t binary_op(int op, real_t a, real_t b) {
    switch (op) {
    case B_ADD: return a + b;
    case B_SUB: return a - b;
    case B_MUL: return a * b;
    case B_DIV: return a / b;
    case B_POW: return java_pow(a, b);
    case B_MAX: return java_max(a, b);
    case B_MIN: return java_min(a, b);
    case B_GT: return a > b ? 1.0f : 0.0f;
    case B_EQ: return a == b ? 1.0f : 0.0f;
    default: return NAN;
    }
}

__kernel void unary(__global real_t* out, int out_off, __global const real_t* x, int x_off,
                    int n, int rank, int8 shape, int8 xs, int op, real_t c) {
    if (get_global_id(0) >= (size_t) n) return;
    int i = (int) get_global_id(0);
    out[out_off + i] = unary_op(op, x[x_off + strided1(i, rank, shape, xs)], c);
}

__kernel void binary(__global real_t* out, int out_off, __global const real_t* a, int a_off,
                     __global const real_t* b, int b_off, int n, int rank, int8 shape, int8 as, int8 bs, int op) {
    if (get_global_id(0) >= (size_t) n) return;
    int i = (int) get_global_id(0);
    int2 o = strided2(i, rank, shape, as, bs);
    out[out_off + i] = binary_op(op, a[a_off + o.x], b[b_off + o.y]);
}
