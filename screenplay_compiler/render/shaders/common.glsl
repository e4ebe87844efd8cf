// Included in every shader: filmic tone curve and the linear -> sRGB transfer.

vec3 tonemap(vec3 c) {
    // Narkowicz's fit of the ACES curve: keeps highlights from clipping harshly.
    c *= 0.8;
    return clamp((c * (2.51 * c + 0.03)) / (c * (2.43 * c + 0.59) + 0.14), 0.0, 1.0);
}

vec3 to_srgb(vec3 c) {
    vec3 lo = c * 12.92;
    vec3 hi = 1.055 * pow(c, vec3(1.0 / 2.4)) - 0.055;
    return mix(lo, hi, step(vec3(0.0031308), c));
}

vec3 to_srgb_fast(vec3 c) {
    // Per-pixel sRGB encode without pow: three square roots fitted to the curve (Taylor's fit)
    // above the linear toe; within 0.26/255 of to_srgb on [0, 1]. llvmpipe runs sqrt natively
    // but pow as log2 + exp2.
    vec3 s1 = sqrt(c);
    vec3 s2 = sqrt(s1);
    vec3 s3 = sqrt(s2);
    vec3 fit = 0.662002687 * s1 + 0.684122060 * s2 - 0.323583601 * s3 - 0.0225411470 * c;
    return clamp(mix(c * 12.92, fit, step(vec3(0.0031308), c)), 0.0, 1.0);
}
