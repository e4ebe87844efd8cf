#version 330
// A light FXAA: from the 4-neighbourhood's luma, find the edge orientation and blend each edge
// pixel toward its neighbour across the edge by FXAA's sub-pixel amount. Five texel fetches
// and no filtered taps, because on llvmpipe each texture fetch is what a full-screen pass costs.

uniform sampler2D u_image;

out vec4 f_color;

float luma(vec3 c) { return dot(c, vec3(0.299, 0.587, 0.114)); }

void main() {
    ivec2 p = ivec2(gl_FragCoord.xy);
    ivec2 last = textureSize(u_image, 0) - 1;
    vec3 c = texelFetch(u_image, p, 0).rgb;
    vec3 cn = texelFetch(u_image, min(p + ivec2(0, 1), last), 0).rgb;
    vec3 cs = texelFetch(u_image, max(p - ivec2(0, 1), ivec2(0)), 0).rgb;
    vec3 ce = texelFetch(u_image, min(p + ivec2(1, 0), last), 0).rgb;
    vec3 cw = texelFetch(u_image, max(p - ivec2(1, 0), ivec2(0)), 0).rgb;
    float m = luma(c), n = luma(cn), s = luma(cs), e = luma(ce), w = luma(cw);
    float lo = min(m, min(min(n, s), min(e, w)));
    float hi = max(m, max(max(n, s), max(e, w)));
    float range = hi - lo;
    bool horizontal = abs(n + s - 2.0 * m) >= abs(e + w - 2.0 * m);
    vec3 across = horizontal ? (abs(n - m) >= abs(s - m) ? cn : cs) : (abs(e - m) >= abs(w - m) ? ce : cw);
    float sub = clamp(abs((n + s + e + w) * 0.25 - m) / max(range, 1e-4), 0.0, 1.0);
    float blend = smoothstep(0.0, 1.0, sub);
    blend = blend * blend * 0.75 * step(max(0.03, hi * 0.1), range);
    f_color = vec4(mix(c, across, blend), 1.0);
}
