// Shared by the fragment shaders: filmic tone curve and the linear -> sRGB transfer.

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

vec3 sky_color(vec3 dir, vec3 zenith, vec3 horizon, vec3 sun_dir, vec3 sun_color) {
    float up = clamp(dir.y, -1.0, 1.0);
    vec3 sky = mix(horizon, zenith, pow(clamp(up, 0.0, 1.0), 0.55));
    sky = mix(sky, horizon * 0.55, clamp(-up * 4.0, 0.0, 1.0));
    float sun = max(dot(dir, sun_dir), 0.0);
    return sky + sun_color * (0.06 * pow(sun, 8.0) + 0.25 * pow(sun, 64.0) + 4.0 * smoothstep(0.9993, 0.9996, sun));
}
