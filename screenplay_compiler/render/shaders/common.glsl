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

const float DISPLAY_P1 = -0.091676;
const float DISPLAY_P2 = 4.741394;
const float DISPLAY_Q1 = -0.481685;
const float DISPLAY_Q2 = 4.76303;

vec3 display(vec3 c) {
    // to_srgb(tonemap(c)) per pixel in one rational function of sqrt(c), fitted (minimax, by
    // tests/test_tone.py's reference) within 0.9/255 over every c >= 0: one square root and a
    // division, where the two curves cost a division, three square roots and a select. llvmpipe
    // pays for every fragment instruction.
    vec3 q = sqrt(max(c, 0.0));
    return clamp(q * (DISPLAY_P1 + DISPLAY_P2 * q) / (1.0 + q * (DISPLAY_Q1 + DISPLAY_Q2 * q)), 0.0, 1.0);
}
