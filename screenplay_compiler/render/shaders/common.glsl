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
